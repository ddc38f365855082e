"""Employees kept by an LDAP sync log in with their directory password, checked by a real slapd
at each login (over StartTLS too); a wrong or empty password, an account disabled by the sync, or
another account that took the login over is refused; a password given locally still works."""

from __future__ import annotations

import pytest
from django.test import Client

from servicedesk.models import Employee
from servicedesk.services.directory import run_ldap_sync
from servicedesk.testing.ldapserver import AdEntry, Slapd

from .test_secure_directory_connection import ca_pem

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

PASSWORD = "Dir-Pass-2026"


def _synced(directory: Slapd, connection, entry: AdEntry) -> Employee:
    dn = directory.add_user(entry)
    directory.modify(dn, userPassword=PASSWORD)
    run = run_ldap_sync(connection_id=connection.pk)
    assert run is not None and run.status == "success", run.log
    return Employee.objects.get(user__username=entry.login)


def _login(username: str, password: str) -> bool:
    browser = Client()
    response = browser.post("/login/", {"username": username, "password": password})
    return response.status_code == 302 and "_auth_user_id" in browser.session


def test_the_directory_password_opens_the_interface(directory: Slapd, ldap_connection) -> None:
    employee = _synced(directory, ldap_connection(), AdEntry("ivanova", "Иванова", "Анна", email="i@corp.example"))
    assert not employee.user.has_usable_password()  # nothing of the password is kept here
    assert _login("ivanova", PASSWORD)
    assert not _login("ivanova", "wrong-" + PASSWORD)
    assert not _login("ivanova", "")
    assert not _login("IVANOVA*", PASSWORD)  # the login is escaped in the search filter


def test_over_starttls(directory: Slapd, ldap_connection) -> None:
    connection = ldap_connection(
        url=f"ldap://localhost:{directory.port}", security="starttls", ca_certificate=ca_pem(directory)
    )
    _synced(directory, connection, AdEntry("petrov", "Петров", "Пётр"))
    assert _login("petrov", PASSWORD)


def test_disabled_account_and_a_taken_over_login_are_refused(directory: Slapd, ldap_connection) -> None:
    connection = ldap_connection()
    entry = AdEntry("sidorov", "Сидоров", "Семён")
    _synced(directory, connection, entry)
    assert _login("sidorov", PASSWORD)
    # Another account under the same login (a different objectGUID) cannot sign in as the card.
    directory.delete(entry.dn)
    impostor = AdEntry("sidorov", "Другой", ou="Чужие")
    directory.add_user(impostor)
    directory.modify(impostor.dn, userPassword=PASSWORD)
    assert not _login("sidorov", PASSWORD)
    # Disabled in the directory: the next sync deactivates the login.
    directory.delete(impostor.dn)
    directory.add_user(entry)
    directory.modify(entry.dn, userPassword=PASSWORD, userAccountControl=514)
    run_ldap_sync(connection_id=connection.pk)
    assert not _login("sidorov", PASSWORD)


def test_directory_unreachable_leaves_the_local_password(directory: Slapd, ldap_connection) -> None:
    connection = ldap_connection()
    employee = _synced(directory, connection, AdEntry("smirnov", "Смирнов", "Дмитрий"))
    employee.user.set_password("Local-Pass-1")
    employee.user.save()
    connection.url = "ldap://127.0.0.1:1"  # nothing listens there
    connection.save()
    assert not _login("smirnov", PASSWORD)
    assert _login("smirnov", "Local-Pass-1")

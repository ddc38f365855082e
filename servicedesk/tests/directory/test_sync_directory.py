"""A sync against a real slapd with an AD-like tree: OUs become departments, users employees;
re-runs update in place; disabled and vanished accounts are deactivated, never deleted."""

from __future__ import annotations

import pytest

from servicedesk.models import Department, Employee, LdapSyncRun, SyncStatus
from servicedesk.services.directory import run_ldap_sync
from servicedesk.testing.ldapserver import AdEntry, Slapd

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def people(directory: Slapd) -> dict[str, AdEntry]:
    entries = {
        "ivanova": AdEntry(
            "ivanova",
            "Иванова",
            "Анна",
            ou="Москва/ИТ/Поддержка",
            email="ivanova@corp.example",
            title="Инженер",
            phone="201",
            middle_name="Сергеевна",
        ),
        "petrov": AdEntry("petrov", "Петров", "Пётр", ou="Москва/ИТ", email="petrov@corp.example"),
        "buh": AdEntry("buh", "Бухова", "Бэлла", ou="Москва/Бухгалтерия", disabled=True),
        "admin2": AdEntry("admin2", "Админов", ""),  # in CN=Users, outside any OU
    }
    for entry in entries.values():
        directory.add_user(entry)
    return entries


def test_first_sync_builds_departments_and_employees(directory: Slapd, ldap_connection) -> None:
    entries = people(directory)
    connection = ldap_connection()
    run = run_ldap_sync(connection_id=connection.pk)
    assert run is not None and run.status == SyncStatus.SUCCESS, run.log
    support = Department.objects.get(name="Поддержка")
    assert support.parent.name == "ИТ" and support.parent.parent.name == "Москва"
    guid = directory.guids["OU=Поддержка,OU=ИТ,OU=Москва,DC=corp,DC=example".lower()]
    assert support.ldap_connection == connection and support.external_id == str(guid)
    ivanova = Employee.objects.get(user__username="ivanova")
    assert (ivanova.last_name, ivanova.first_name, ivanova.patronymic) == ("Иванова", "Анна", "Сергеевна")
    assert ivanova.department == support and ivanova.position == "Инженер" and ivanova.phone_extension == "201"
    assert ivanova.external_id == str(entries["ivanova"].guid)
    assert ivanova.ldap_connection == connection and ivanova.synced_at is not None
    assert not ivanova.user.has_usable_password()
    disabled = Employee.objects.get(user__username="buh")
    assert not disabled.is_active and not disabled.user.is_active
    outside = Employee.objects.get(user__username="admin2")
    assert outside.department.name == "corp"  # the connection's own department for entries outside OUs
    assert (run.created, run.departments_created) == (4, 4)


def test_rerun_updates_in_place_and_deactivates_without_deleting(directory: Slapd, ldap_connection) -> None:
    entries = people(directory)
    connection = ldap_connection()
    run_ldap_sync(connection_id=connection.pk)
    count = Employee.objects.count()

    directory.modify(entries["petrov"].dn, title="Руководитель", sn="Петров-Водкин")
    directory.modify(entries["ivanova"].dn, userAccountControl=514)  # disabled in AD
    directory.delete(entries["admin2"].dn)
    directory.modify(entries["buh"].dn, userAccountControl=512)  # enabled again
    directory.add_ou("Москва/Продажи")
    directory.move(entries["petrov"].dn, "OU=Продажи,OU=Москва,DC=corp,DC=example")

    run = run_ldap_sync(connection_id=connection.pk)
    assert run is not None and run.status == SyncStatus.SUCCESS, run.log
    assert Employee.objects.count() == count  # nothing deleted, nothing duplicated
    petrov = Employee.objects.get(user__username="petrov")
    assert (petrov.last_name, petrov.position, petrov.department.name) == ("Петров-Водкин", "Руководитель", "Продажи")
    ivanova = Employee.objects.get(user__username="ivanova")
    assert not ivanova.is_active and not ivanova.user.is_active
    gone = Employee.objects.get(user__username="admin2")
    assert not gone.is_active
    assert Employee.objects.get(user__username="buh").is_active
    assert run.deactivated == 2 and run.departments_created == 1
    assert "no longer in the directory" in run.log

    third = run_ldap_sync(connection_id=connection.pk)
    assert third is not None and third.unchanged == 3 and third.updated == 0 and third.created == 0, third.log
    assert LdapSyncRun.objects.filter(connection=connection).count() == 3


def test_wrong_password_is_logged_not_raised(directory: Slapd, ldap_connection) -> None:
    connection = ldap_connection(password="wrong")
    run = run_ldap_sync(connection_id=connection.pk)
    assert run is not None and run.status == SyncStatus.FAILED
    assert "bind refused" in run.log and "invalidCredentials" in run.log
    connection.refresh_from_db()
    assert connection.check_status == "error" and connection.running_until is None

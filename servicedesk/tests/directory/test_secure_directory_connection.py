"""StartTLS and LDAPS against the real slapd: the certificate is checked (the test CA trusted through the
connection's CA field), an untrusted certificate is refused, the password is stored encrypted."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from servicedesk.models import LdapConnection, SyncStatus
from servicedesk.services.directory import check_ldap_connection, run_ldap_sync
from servicedesk.testing.cast import PASSWORD, Cast
from servicedesk.testing.ldapserver import SYNC_PASSWORD, AdEntry, Slapd

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def ca_pem(directory: Slapd) -> str:
    return directory.cert_path.read_text()


def test_starttls_with_the_ca_syncs(directory: Slapd, ldap_connection) -> None:
    directory.add_user(AdEntry("tls-user", "Шифров", ou="Офис"))
    connection = ldap_connection(
        url=f"ldap://localhost:{directory.port}", security="starttls", ca_certificate=ca_pem(directory)
    )
    assert check_ldap_connection(connection=connection) is None
    run = run_ldap_sync(connection_id=connection.pk)
    assert run is not None and run.status == SyncStatus.SUCCESS and run.created == 1, run.log


def test_ldaps_with_the_ca_syncs(directory: Slapd, ldap_connection) -> None:
    directory.add_user(AdEntry("ssl-user", "Защищёнов"))
    connection = ldap_connection(
        url=f"ldaps://localhost:{directory.ldaps_port}", security="ldaps", ca_certificate=ca_pem(directory)
    )
    run = run_ldap_sync(connection_id=connection.pk)
    assert run is not None and run.status == SyncStatus.SUCCESS and run.created == 1, run.log


def test_an_untrusted_certificate_is_refused(directory: Slapd, ldap_connection) -> None:
    connection = ldap_connection(url=f"ldap://localhost:{directory.port}", security="starttls")
    error = check_ldap_connection(connection=connection)
    assert error is not None and "certificate" in error.message.lower()
    connection.refresh_from_db()
    assert connection.check_status == "error" and connection.last_success_at is None


def test_the_password_is_stored_encrypted(ldap_connection) -> None:
    connection = ldap_connection()
    stored = LdapConnection.objects.values_list("password_encrypted", flat=True).get(pk=connection.pk)
    assert SYNC_PASSWORD not in stored and stored.startswith("gAAAA")
    assert LdapConnection.objects.get(pk=connection.pk).password == SYNC_PASSWORD


def test_check_and_run_now_buttons(
    client: Client, cast: Cast, directory: Slapd, ldap_connection, django_capture_on_commit_callbacks
) -> None:
    directory.add_user(AdEntry("button", "Кнопкин", ou="Офис"))
    connection = ldap_connection()
    assert client.login(username="system", password=PASSWORD)
    response = client.post(reverse("admin:servicedesk_ldap_check", args=[connection.pk]), follow=True)
    assert "Connected and bound. The filters find 1 user entries and 1 departments" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:servicedesk_ldap_run", args=[connection.pk]))
    page = client.get(reverse("admin:servicedesk_ldapconnection_change", args=[connection.pk])).content.decode()
    assert connection.runs.get().created == 1 and "Run now" in page


def test_the_form_keeps_the_stored_password_and_validates_the_url(client: Client, cast: Cast, ldap_connection) -> None:
    connection = ldap_connection()
    assert client.login(username="system", password=PASSWORD)
    url = reverse("admin:servicedesk_ldapconnection_change", args=[connection.pk])
    form = {
        "name": "corp",
        "enabled": "on",
        "url": "dc2:389",
        "security": "none",
        "timeout": "60",
        "bind_dn": connection.bind_dn,
        "password": "",
        "base_dn": connection.base_dn,
        "user_filter": connection.user_filter,
        "department_filter": connection.department_filter,
        "attribute_map": '{"last_name": "sn", "login": "sAMAccountName"}',
        "schedule_time": "01:00",
        "runs-TOTAL_FORMS": "0",
        "runs-INITIAL_FORMS": "0",
    }
    page = client.post(url, form).content.decode()
    assert "starts with ldap:// or ldaps://" in page
    form["url"] = "ldap://dc2:389"
    assert client.post(url, form).status_code == 302
    connection.refresh_from_db()
    assert connection.password == SYNC_PASSWORD and connection.url == "ldap://dc2:389"

"""Connecting a personal mailbox: presets, corporate domains and "Other"; credentials checked
against the real servers and stored only encrypted; one mailbox per employee; settings later."""

from __future__ import annotations

import pytest
from django.urls import reverse

from personalmail.forms import MailboxForm
from personalmail.models import CorporateDomain, MailboxStatus, PersonalMailbox, Popups
from servicedesk.testing.cast import PASSWORD

pytestmark = pytest.mark.django_db


def _form_data(dovecot, smtp, login="user1", **extra):
    data = {
        "service": "other",
        "email": dovecot.address(login),
        "login": login,
        "password": dovecot.users[login],
        "imap_host": dovecot.host,
        "imap_port": dovecot.imaps_port,
        "imap_encryption": "ssl",
        "smtp_host": smtp.tls.host,
        "smtp_port": smtp.tls.port,
        "smtp_encryption": "ssl",
        "verify_certificate": "on",
        "signature": "Иван Иванов\nСлужба поддержки",
        "popups": "notify",
        "mobile_popups": "silent",
        "allow_in_processes": "on",
    }
    data.update(extra)
    return data


def test_connect_with_password_stores_it_encrypted_and_loads_mail(
    client, employee, mail_servers, django_capture_on_commit_callbacks
):
    dovecot, smtp = mail_servers
    dovecot.deliver("user1", b"From: a@client.example\nSubject: Hello\nMessage-ID: <1@c>\n\nHi\n")
    client.login(username=employee.username, password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("personalmail:settings"), _form_data(dovecot, smtp))
    assert response.status_code == 302, response.content.decode()[:2000]
    mailbox = PersonalMailbox.objects.get(user=employee)
    assert mailbox.status == MailboxStatus.OK
    secret = dovecot.users["user1"]
    assert secret not in mailbox.password_encrypted and mailbox.password == secret
    assert mailbox.signature.startswith("Иван") and mailbox.allow_in_processes
    assert (mailbox.popups, mailbox.mobile_popups) == (Popups.NOTIFY, Popups.SILENT)
    assert list(mailbox.messages.values_list("subject", flat=True)) == ["Hello"]
    page = client.get(reverse("personalmail:settings")).content.decode()
    assert secret not in page  # write-only


def test_wrong_password_is_an_error_on_the_form_and_nothing_is_stored(client, employee, mail_servers):
    dovecot, smtp = mail_servers
    client.login(username=employee.username, password=PASSWORD)
    response = client.post(reverse("personalmail:settings"), _form_data(dovecot, smtp, password="wrong"))
    assert response.status_code == 200
    assert "IMAP server refused" in response.content.decode()
    assert not PersonalMailbox.objects.filter(user=employee).exists()


def test_presets_and_corporate_domain_fill_in_the_servers(employee):
    form = MailboxForm(
        {
            "service": "yandex",
            "email": "me@yandex.ru",
            "login": "me",
            "password": "x",
            "imap_encryption": "ssl",
            "smtp_encryption": "ssl",
            "popups": "notify",
            "mobile_popups": "notify",
        }
    )
    assert form.is_valid(), form.errors
    data = form.to_settings()
    assert (data.imap_host, data.imap_port, data.smtp_host, data.smtp_port) == (
        "imap.yandex.ru",
        993,
        "smtp.yandex.ru",
        465,
    )
    domain = CorporateDomain.objects.create(
        name="Ромашка",
        domain="romashka.example",
        imap_host="imap.romashka.example",
        imap_port=143,
        imap_encryption="starttls",
        smtp_host="smtp.romashka.example",
        smtp_port=587,
        smtp_encryption="starttls",
    )
    form = MailboxForm(
        {
            "service": f"corp-{domain.pk}",
            "email": "me@romashka.example",
            "login": "me",
            "password": "x",
            "imap_encryption": "ssl",
            "smtp_encryption": "ssl",
            "popups": "notify",
            "mobile_popups": "notify",
        }
    )
    assert form.is_valid(), form.errors
    data = form.to_settings()
    assert (data.imap_host, data.imap_port, data.imap_encryption) == ("imap.romashka.example", 143, "starttls")
    assert data.corporate_domain == domain


def test_other_needs_explicit_servers():
    form = MailboxForm(
        {
            "service": "other",
            "email": "me@x.example",
            "login": "me",
            "password": "x",
            "imap_encryption": "ssl",
            "smtp_encryption": "ssl",
            "popups": "notify",
            "mobile_popups": "notify",
        }
    )
    assert not form.is_valid()
    assert {"imap_host", "imap_port", "smtp_host", "smtp_port"} <= set(form.errors)


def test_settings_page_shows_presets_and_the_app_password_hint(client, employee):
    client.login(username=employee.username, password=PASSWORD)
    page = client.get(reverse("personalmail:settings")).content.decode()
    for label in ("Gmail", "Mail.ru", "Yandex", "Rambler", "Yahoo", "Outlook", "Office 365", "Other"):
        assert label in page
    assert 'data-hint-for="yandex"' in page and "App passwords and OAuth tokens" in page


def test_one_mailbox_per_employee_reconnecting_changes_it(employee, connect, mail_servers):
    first = connect(employee, "user1")
    second = connect(employee, "user2")
    assert first.pk == second.pk
    assert PersonalMailbox.objects.filter(user=employee).count() == 1
    assert second.login == "user2"


def test_signature_and_switches_change_without_the_servers(client, employee, connect, mail_servers):
    dovecot, smtp = mail_servers
    mailbox = connect(employee)
    # The servers would now refuse (wrong port), but only preferences change: nothing is contacted.
    PersonalMailbox.objects.filter(pk=mailbox.pk).update(imap_port=1)
    client.login(username=employee.username, password=PASSWORD)
    data = _form_data(dovecot, smtp, password="", imap_port=1, signature="New signature", popups="silent")
    response = client.post(reverse("personalmail:settings"), data)
    assert response.status_code == 302
    mailbox.refresh_from_db()
    assert (mailbox.signature, mailbox.popups) == ("New signature", Popups.SILENT)


def test_mail_section_and_profile_tab_for_employees_only(client, employee, cast):
    client.login(username=employee.username, password=PASSWORD)
    page = client.get(reverse("profile")).content.decode()
    assert reverse("personalmail:settings") in page  # the "Mail" tab
    assert reverse("personalmail:index") in client.get(reverse("ticket_list")).content.decode()
    assert "Connect mail" in client.get(reverse("personalmail:index")).content.decode()
    client.logout()
    client.login(username="client", password=PASSWORD)
    assert client.get(reverse("personalmail:index")).status_code == 403

"""A broken connection: the owner sees a warning with "Reconnect" (which opens the settings),
saving restores it, and failures back off instead of retrying in a tight loop."""

from __future__ import annotations

import shutil

import pytest
from django.urls import reverse
from django.utils import timezone

from personalmail.models import MailboxStatus, PersonalMailbox
from personalmail.services import sync
from personalmail.services.accounts import connect_mailbox, retry_delay
from servicedesk.testing.cast import PASSWORD
from servicedesk.testing.mailservers import start_dovecot

from .conftest import make_mail, server_settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_dovecot(mail_tls_cert):
    server = start_dovecot(users={"user1": "user1-Pass-3"}, cert=mail_tls_cert, oauth=False)
    yield server
    server.stop()
    shutil.rmtree(server.root, ignore_errors=True)


def test_server_restart_breaks_then_reconnect_restores(
    client, employee, mail_servers, mail_tls_cert, own_dovecot, settings, django_capture_on_commit_callbacks
):
    _shared, smtp = mail_servers
    settings.PERSONALMAIL_BROKEN_AFTER = 2
    with django_capture_on_commit_callbacks(execute=True):
        mailbox = connect_mailbox(user=employee, data=server_settings(own_dovecot, smtp, "user1"))
    own_dovecot.stop()

    first = sync.sync_mailbox(mailbox.pk)
    mailbox.refresh_from_db()
    assert first.imported == 0 and mailbox.status == MailboxStatus.OK  # one network failure is not "broken" yet
    assert mailbox.next_attempt_at > timezone.now()
    # Backing off: neither beat nor a repeated call tries again before the time has come.
    assert sync.sync_mailbox(mailbox.pk).skipped
    assert mailbox.pk not in sync.due_mailboxes()
    sync.sync_mailbox(mailbox.pk, force=True)
    mailbox.refresh_from_db()
    assert mailbox.status == MailboxStatus.BROKEN and mailbox.consecutive_failures == 2
    assert "connection refused" in mailbox.last_error

    client.login(username=employee.username, password=PASSWORD)
    page = client.get(reverse("personalmail:index")).content.decode()
    assert 'id="mail-broken"' in page and "Reconnect" in page and reverse("personalmail:settings") in page

    restarted = start_dovecot(users={"user1": "user1-Pass-3"}, cert=mail_tls_cert, oauth=False)
    try:
        restarted.deliver("user1", make_mail("After the restart"))
        data = server_settings(restarted, smtp, "user1")
        form = {k: v for k, v in vars(data).items() if v not in (None, False) and k != "corporate_domain"}
        form.update({"verify_certificate": "on", "popups": "notify", "mobile_popups": "notify"})
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("personalmail:settings"), form)
        assert response.status_code == 302, response.content.decode()[-3000:]
        mailbox.refresh_from_db()
        assert mailbox.status == MailboxStatus.OK and mailbox.consecutive_failures == 0
        assert 'id="mail-broken"' not in client.get(reverse("personalmail:index")).content.decode()
        assert mailbox.messages.filter(subject="After the restart").exists()
    finally:
        restarted.stop()
        shutil.rmtree(restarted.root, ignore_errors=True)


def test_a_changed_password_breaks_at_once(employee, connect):
    mailbox = connect(employee)
    mailbox.password = "the old one"
    mailbox.save()
    sync.sync_mailbox(mailbox.pk)
    mailbox.refresh_from_db()
    assert mailbox.status == MailboxStatus.BROKEN and "authentication failed" in mailbox.last_error
    assert PersonalMailbox.objects.filter(pk=mailbox.pk, next_attempt_at__gt=timezone.now()).exists()


def test_backoff_grows_and_is_capped(settings):
    settings.PERSONALMAIL_RETRY_BASE_SECONDS = 30
    settings.PERSONALMAIL_RETRY_MAX_SECONDS = 600
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 5, 10)] == [30, 60, 120, 480, 600]

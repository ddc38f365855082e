"""The "Check" button: connect and authenticate, send nothing, record status on the connection."""

from __future__ import annotations

import pytest

from mailconf.connections import check_connection
from mailconf.models import OutboxMessage, OutgoingConnection
from mailconf.outbox import deliver_due, enqueue_mail

pytestmark = pytest.mark.django_db


def test_never_checked_by_default() -> None:
    conn = OutgoingConnection.load()
    assert conn.check_status == "" and conn.get_check_status_display() == "never checked"
    assert conn.last_checked_at is None and conn.last_success_at is None


@pytest.mark.parametrize("name", ["plain", "auth", "starttls", "tls"])
def test_success_on_every_server_kind_sends_nothing(outgoing, smtp, name: str) -> None:
    outgoing(getattr(smtp, name))
    assert check_connection().ok
    conn = OutgoingConnection.load()
    assert conn.check_status == "success" and conn.last_checked_at == conn.last_success_at
    assert conn.consecutive_failures == 0 and conn.last_error == ""
    assert getattr(smtp, name).messages == []


def test_error_keeps_the_servers_own_message_and_counts_failures(outgoing, smtp) -> None:
    conn = outgoing(smtp.auth)
    conn.password = "wrong-password"
    conn.save()
    check_connection()
    outcome = check_connection()
    assert not outcome.ok and outcome.text.startswith("Authentication failed")
    conn = OutgoingConnection.load()
    assert conn.check_status == "error" and "535" in conn.last_error
    assert "wrong-password" not in conn.last_error
    assert conn.consecutive_failures == 2 and conn.last_success_at is None
    conn.password = "mailer-Pass-1"
    conn.save()
    assert check_connection().ok
    conn = OutgoingConnection.load()
    assert conn.check_status == "success" and conn.consecutive_failures == 0 and conn.last_success_at


def test_certificate_check_reported(outgoing, smtp, settings) -> None:
    outgoing(smtp.tls)
    settings.MAIL_CA_FILE = ""
    outcome = check_connection()
    assert not outcome.ok and outcome.text == "The server's certificate is not trusted."
    assert "certificate" in OutgoingConnection.load().last_error
    conn = OutgoingConnection.load()
    conn.verify_certificate = False
    conn.save()
    assert check_connection().ok


def test_admin_alerted_once_after_n_failures_in_a_row(outgoing, smtp, settings, fast_retries) -> None:
    settings.MAIL_FAILURE_ALERT_THRESHOLD = 3
    outgoing(admin_email="admin@example.test")
    smtp.plain.down()
    for _ in range(5):
        check_connection()
    alerts = OutboxMessage.objects.filter(kind="system", subject="Outgoing mail is failing")
    assert alerts.count() == 1 and list(alerts.get().recipients) == ["admin@example.test"]
    assert "failures" in OutgoingConnection.load().alerts
    smtp.plain.up()
    deliver_due()
    assert alerts.get().status == "sent"
    assert "failures" not in OutgoingConnection.load().alerts
    received = smtp.plain.wait_for_messages(1)
    assert "has failed 3 times in a row" in received[0].parsed().get_body(("plain",)).get_content()


def test_outbox_stuck_alert(outgoing, smtp, settings) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from mailconf.outbox import check_outbox_stuck

    outgoing(admin_email="admin@example.test", enabled=False)
    msg = enqueue_mail(to=["a@example.test"], subject="s", text="t", kind="system", schedule=False)
    assert check_outbox_stuck() is False
    OutboxMessage.objects.filter(pk=msg.pk).update(created_at=timezone.now() - timedelta(hours=2))
    assert check_outbox_stuck() is True and check_outbox_stuck() is True
    assert OutboxMessage.objects.filter(subject="Outgoing mail is stuck in the outbox").count() == 1

"""Repeated failures of a connection alert the administrator once per failing streak."""

from __future__ import annotations

import pytest
from django.test import override_settings

from mailconf.connections import check_connection
from mailconf.models import CheckStatus, OutboxMessage, OutgoingConnection
from notifications.models import Occurrence

from .conftest import poll

pytestmark = pytest.mark.slow


@override_settings(MAIL_INCOMING_FAILURE_ALERT_THRESHOLD=3)
def test_three_failures_in_a_row_mail_the_administrator_once(cast, mailbox, make_connection):
    outgoing = OutgoingConnection.load()
    outgoing.admin_email = "admin@desk.example"
    outgoing.save()
    conn = make_connection(name="broken")
    conn.password = "wrong"
    conn.save()

    for _ in range(2):
        poll(conn)
    assert not OutboxMessage.objects.exists() and not Occurrence.objects.exists()
    poll(conn)
    check_connection(conn)

    alert = OutboxMessage.objects.get(kind="system")
    assert "admin@desk.example" in alert.recipients and "broken" in alert.subject
    event = Occurrence.objects.get(event="mail.connection_failing")
    assert event.data["context"]["MAIL_CONNECTION"] == "broken" and event.data["context"]["MAIL_ERROR"]
    conn.refresh_from_db()
    assert conn.consecutive_failures == 4 and conn.check_status == CheckStatus.ERROR

    conn.password = mailbox.password
    conn.save()
    assert check_connection(conn).ok
    conn.refresh_from_db()
    assert (conn.consecutive_failures, conn.failure_alert_sent) == (0, False)

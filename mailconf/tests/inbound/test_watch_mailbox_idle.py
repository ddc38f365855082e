"""IMAP IDLE: mail delivered while the watcher holds IDLE becomes a ticket within two seconds."""

from __future__ import annotations

import time

import pytest

from mailconf.inbound import IdleWatcher
from servicedesk.models import Ticket

from .conftest import make_mail

pytestmark = pytest.mark.slow


@pytest.mark.django_db(transaction=True)
def test_mail_delivered_during_idle_becomes_a_ticket_within_two_seconds(cast, mailbox, make_connection):
    conn = make_connection("imap", "ssl")
    watcher = IdleWatcher(conn.pk, wait_seconds=2)
    watcher.start()
    try:
        time.sleep(0.5)  # let the watcher do its first poll and enter IDLE
        assert watcher.is_alive()
        mailbox.deliver(make_mail(subject="Urgent: server down"))
        started = time.monotonic()
        while time.monotonic() - started < 5 and not Ticket.objects.exists():
            time.sleep(0.05)
        elapsed = time.monotonic() - started
    finally:
        watcher.stop()
    assert Ticket.objects.get().subject == "Urgent: server down"
    assert elapsed < 2.0 and watcher.wakeups >= 1
    # The stopped watcher leaves IDLE within its wait; it is a daemon thread, so waiting is bounded.
    watcher.join(timeout=10)
    assert not watcher.is_alive()

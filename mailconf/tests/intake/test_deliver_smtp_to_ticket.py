"""End to end: a message sent over SMTP lands in Dovecot and becomes a ticket."""

from __future__ import annotations

import smtplib

import pytest

from servicedesk.models import Ticket

from .conftest import maildir_count, make_mail, poll

pytestmark = pytest.mark.slow


def test_mail_sent_over_smtp_becomes_a_ticket(cast, mailbox, make_connection, smtp):
    smtp.deliver_to(mailbox.server)
    conn = make_connection("imap", "ssl")
    raw = make_mail(subject="Sent through SMTP", body="Hello from the outside.")

    with smtplib.SMTP(smtp.plain.host, smtp.plain.port, timeout=10) as client:
        client.sendmail("kirill@romashka.example", [mailbox.address], raw)
    smtp.plain.wait_for_messages(1)
    assert maildir_count(mailbox) == 1

    counts = poll(conn)

    assert counts.tickets == 1
    ticket = Ticket.objects.get()
    assert ticket.subject == "Sent through SMTP" and ticket.requester_contact == cast.client
    assert maildir_count(mailbox) == 0

"""The mail log's "reprocess" reruns intake on the stored raw message, at most once into a ticket."""

from __future__ import annotations

import pytest

from mailconf.inbound import intake, reprocess
from mailconf.models import MailResult, ProcessedMessage
from servicedesk.models import Ticket

from .conftest import maildir_count, make_mail, poll

pytestmark = pytest.mark.slow


def test_reprocess_turns_a_failed_message_into_a_ticket_once(cast, mailbox, make_connection, monkeypatch):
    conn = make_connection("pop3")
    mailbox.deliver(make_mail(subject="needs a second try"))
    with monkeypatch.context() as patch:
        patch.setattr(intake, "open_ticket", lambda *a: (_ for _ in ()).throw(RuntimeError("database rule broken")))
        poll(conn)
    entry = ProcessedMessage.objects.get()
    assert entry.result == MailResult.ERROR and maildir_count(mailbox) == 1

    first = reprocess(entry)
    second = reprocess(entry)

    assert first.result == MailResult.TICKET and second.result == MailResult.TICKET
    assert Ticket.objects.count() == 1 and first.attempts == 2
    # The next poll sees the row done and removes the message from the server; nothing new is filed.
    counts = poll(conn)
    assert (counts.fetched, counts.acknowledged) == (0, 1) and maildir_count(mailbox) == 0
    assert Ticket.objects.count() == 1

"""A Message-ID is not an identity: different mails that carry one are all imported (the mail log
notes the reuse); only a true copy (same sender, subject and content) is a duplicate; replies
still reach the right ticket when the ID they answer was reused."""

from __future__ import annotations

import pytest

from mailconf.inbound.dedupe import REUSED_NOTE
from mailconf.models import MailResult, ProcessedMessage
from mailconf.tests.inbound.conftest import make_mail, poll
from servicedesk.models import Comment, Ticket

pytestmark = pytest.mark.django_db
REUSED = "<0123456789@scanner.local>"  # what a broken scanner stamps on every mail it sends


def _by_subject() -> dict[str, ProcessedMessage]:
    return {row.subject: row for row in ProcessedMessage.objects.all()}


def test_different_mails_with_one_message_id_are_all_imported_in_one_poll(cast, mailbox, make_connection):
    conn = make_connection()
    mailbox.deliver(make_mail(sender="anna@romashka.example", subject="Scan 1", body="one", message_id=REUSED))
    mailbox.deliver(make_mail(sender="boris@lutik.example", subject="Scan 2", body="two", message_id=REUSED))
    mailbox.deliver(make_mail(sender="anna@romashka.example", subject="Scan 1", body="other", message_id=REUSED))

    counts = poll(conn)

    assert (counts.tickets, counts.duplicates) == (3, 0)
    assert Ticket.objects.count() == 3
    rows = ProcessedMessage.objects.order_by("pk")
    assert [REUSED_NOTE in row.reason for row in rows] == [False, True, True]


def test_a_reused_message_id_in_a_later_poll_is_imported(cast, mailbox, make_connection):
    conn = make_connection()
    mailbox.deliver(make_mail(sender="anna@romashka.example", subject="Scan 1", message_id=REUSED))
    poll(conn)
    mailbox.deliver(make_mail(sender="boris@lutik.example", subject="Invoice", message_id=REUSED))

    counts = poll(conn)

    assert (counts.tickets, counts.duplicates) == (1, 0)
    assert REUSED_NOTE in _by_subject()["Invoice"].reason


def test_a_true_copy_stays_a_duplicate_whatever_its_transport_did(cast, mailbox, make_connection):
    conn = make_connection()
    raw = make_mail(message_id="<copy@client.example>", body="Line one.\nLine two.\n")
    # The second copy came another way: one more Received header, CRLF line ends, trailing blanks.
    other_route = b"Received: from relay.example by mx.example; Sun, 22 Nov 2026 08:01:00 +0300\n" + raw.replace(
        b"Line one.\n", b"Line one.   \n"
    ).replace(b"\n", b"\r\n")
    mailbox.deliver(raw)
    poll(conn)
    mailbox.deliver(other_route)

    counts = poll(conn)

    assert (counts.tickets, counts.duplicates) == (0, 1)
    assert ProcessedMessage.objects.get(result=MailResult.DUPLICATE).duplicate_of.result == MailResult.TICKET


def test_replies_to_a_reused_id_reach_each_sender_s_own_ticket(cast, mailbox, make_connection):
    conn = make_connection()
    mailbox.deliver(make_mail(sender="anna@romashka.example", subject="Printer", message_id=REUSED))
    mailbox.deliver(make_mail(sender="boris@lutik.example", subject="Scanner", message_id=REUSED))
    poll(conn)
    printer, scanner = Ticket.objects.get(subject="Printer"), Ticket.objects.get(subject="Scanner")
    mailbox.deliver(make_mail(sender="anna@romashka.example", subject="Re: Printer", body="Anna", in_reply_to=REUSED))
    mailbox.deliver(make_mail(sender="boris@lutik.example", subject="Re: Scanner", body="Boris", in_reply_to=REUSED))

    counts = poll(conn)

    assert counts.comments == 2 and Ticket.objects.count() == 2
    assert [c.body.strip() for c in Comment.objects.filter(ticket=printer)] == ["Anna"]
    assert [c.body.strip() for c in Comment.objects.filter(ticket=scanner)] == ["Boris"]

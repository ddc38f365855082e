"""Replies become public comments: by the Message-ID chain, or by the subject tag from a participant."""

from __future__ import annotations

import pytest

from mailconf.models import OutboxMessage, ProcessedMessage
from servicedesk.models import Comment, Ticket
from servicedesk.services.tickets import add_watcher, create_ticket

from .conftest import make_mail, poll

pytestmark = pytest.mark.slow


@pytest.fixture
def ticket(cast):
    return create_ticket(
        actor=None, ticket_type=cast.incident, subject="VPN does not connect", requester_contact=cast.client
    )


def _our_mail_about(ticket: Ticket) -> str:
    OutboxMessage.objects.create(message_id="<decoy@desk.example>", ticket_id=None, subject="unrelated")
    row = OutboxMessage.objects.create(
        message_id="<n-1@desk.example>",
        ticket_id=ticket.pk,
        subject="Ticket registered",
        recipients={"kirill@romashka.example": {"status": "sent", "kind": "to"}},
    )
    return row.message_id


def test_reply_to_our_notification_becomes_a_public_comment(cast, mailbox, make_connection, ticket):
    conn = make_connection()
    our_id = _our_mail_about(ticket)
    body = "It works now, thank you!\n\nOn Monday the desk wrote:\n> Your ticket was registered\n> [#1]\n"
    mailbox.deliver(make_mail(subject="Re: Ticket registered", body=body, in_reply_to=our_id))

    counts = poll(conn)

    assert (counts.tickets, counts.comments) == (0, 1)
    comment = Comment.objects.get(ticket=ticket)
    assert comment.body == "It works now, thank you!"
    assert comment.source == Comment.Source.EMAIL and not comment.is_private
    assert comment.author_email == "kirill@romashka.example"
    assert ProcessedMessage.objects.get().comment == comment


def test_reply_to_an_earlier_incoming_message_joins_its_ticket(cast, mailbox, make_connection):
    conn = make_connection()
    mailbox.deliver(make_mail(message_id="<first@client.example>", subject="Scanner is broken"))
    poll(conn)
    mailbox.deliver(
        make_mail(
            subject="Re: Scanner is broken",
            body="Also the feeder jams.",
            in_reply_to="<first@client.example>",
            sender="colleague@client.example",
        )
    )

    counts = poll(conn)

    assert counts.comments == 1 and Ticket.objects.count() == 1
    assert Comment.objects.get().body == "Also the feeder jams."


def test_subject_tag_from_the_requester_is_a_comment(cast, mailbox, make_connection, ticket):
    conn = make_connection()
    mailbox.deliver(make_mail(subject=f"Re: [#{ticket.pk}] VPN does not connect", body="Still broken."))

    counts = poll(conn)

    assert counts.comments == 1
    assert Comment.objects.get().ticket == ticket


def test_subject_tag_from_a_watcher_is_a_comment(cast, mailbox, make_connection, ticket):
    add_watcher(ticket=ticket, actor=None, email="boss@romashka.example")
    conn = make_connection()
    mailbox.deliver(make_mail(sender="boss@romashka.example", subject=f"[#{ticket.pk}] any news?"))

    assert poll(conn).comments == 1


def test_subject_tag_from_a_stranger_opens_a_new_ticket(cast, mailbox, make_connection, ticket):
    conn = make_connection()
    mailbox.deliver(make_mail(sender="stranger@nowhere.example", subject=f"[#{ticket.pk}] I want in"))

    counts = poll(conn)

    assert (counts.tickets, counts.comments) == (1, 0)
    assert not Comment.objects.exists()
    assert Ticket.objects.exclude(pk=ticket.pk).get().requester_email == "stranger@nowhere.example"


def test_reply_from_an_unknown_sender_is_ignored_when_not_accepted(cast, mailbox, make_connection, ticket):
    conn = make_connection(accept_unknown_replies=False)
    our_id = _our_mail_about(ticket)
    mailbox.deliver(make_mail(sender="stranger@nowhere.example", subject="Re: x", in_reply_to=our_id))

    counts = poll(conn)

    assert counts.ignored == 1 and not Comment.objects.exists()
    assert "unknown sender" in ProcessedMessage.objects.get().reason

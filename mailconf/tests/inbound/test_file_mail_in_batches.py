"""A chunk of mail is filed in one transaction with shared lookups: what one message writes, the
next one in the same chunk sees; the database work per message stays small; the chunk's events
reach the notifications in one batch."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mailconf.models import MailResult, ProcessedMessage
from notifications import catalogue, services
from notifications.models import Channel, Notification, Occurrence
from notifications.tests.factories import make_action, only_actions
from servicedesk.models import Comment, Ticket, TicketHistory

from .conftest import make_mail, poll

pytestmark = pytest.mark.slow


def test_a_reply_in_the_same_chunk_as_its_original_becomes_a_comment(cast, mailbox, make_connection):
    conn = make_connection(accept_unknown_replies=True)
    mailbox.deliver(make_mail(subject="VPN is down", message_id="<first@client.example>"))
    mailbox.deliver(make_mail(subject="Re: VPN is down", body="Any news?", in_reply_to="<first@client.example>"))

    counts = poll(conn)

    assert (counts.tickets, counts.comments) == (1, 1)
    ticket = Ticket.objects.get()
    assert Comment.objects.get().ticket == ticket
    assert ProcessedMessage.objects.filter(ticket=ticket).count() == 2
    assert TicketHistory.objects.filter(ticket=ticket, kind=TicketHistory.Kind.COMMENT).count() == 1


def test_the_hourly_limit_counts_tickets_opened_earlier_in_the_same_chunk(cast, mailbox, make_connection, settings):
    settings.MAIL_INCOMING_TICKETS_PER_SENDER_PER_HOUR = 2
    conn = make_connection()
    for n in range(3):
        mailbox.deliver(make_mail(sender="busy@client.example", subject=f"Request {n}"))

    counts = poll(conn)

    assert (counts.tickets, counts.ignored) == (2, 1)
    assert "rate limit" in ProcessedMessage.objects.get(result=MailResult.IGNORED).reason


def test_database_round_trips_per_message_stay_small(cast, mailbox, make_connection):
    conn = make_connection()
    count = 30
    for n in range(count):
        mailbox.deliver(make_mail(sender=f"user{n % 7}@client.example", subject=f"Request {n}"))

    with CaptureQueriesContext(connection) as queries:
        counts = poll(conn)

    assert counts.tickets == count
    # One INSERT per ticket; lookups, history, ledger rows and acknowledgement marks go per chunk.
    # (Filed one by one it took about 25 per message.)
    assert len(queries) <= count * 2 + 40, [q["sql"][:80] for q in queries.captured_queries]
    assert TicketHistory.objects.filter(kind=TicketHistory.Kind.CREATED).count() == count


@pytest.mark.django_db(transaction=True)
def test_the_events_of_a_chunk_reach_the_notifications_as_one_batch(cast, mailbox, make_connection, monkeypatch):
    only_actions(
        make_action(catalogue.TICKET_REGISTERED_EMAIL, Channel.PUSH, groups=list(cast.operator.user.groups.all()))
    )
    tasks: list[list[int]] = []
    real_task = services.fan_out_many_task

    class Recorder:
        name, app = real_task.name, real_task.app

        @staticmethod
        def apply_async(args: tuple[list[int]], **options: object) -> None:
            tasks.append(list(args[0]))
            real_task.apply_async(args, **options)

    monkeypatch.setattr(services, "fan_out_many_task", Recorder)
    conn = make_connection()
    for n in range(4):
        mailbox.deliver(make_mail(subject=f"Request {n}", attachment=("log.txt", b"log")))

    counts = poll(conn)

    assert counts.tickets == 4
    occurrences = list(Occurrence.objects.order_by("pk"))
    # Attachment events have no enabled action here, so only the four registrations are journalled.
    assert [o.event for o in occurrences] == [catalogue.TICKET_REGISTERED_EMAIL] * 4
    assert tasks == [[o.pk for o in occurrences]]
    assert all(o.processed_at is not None for o in Occurrence.objects.all())
    assert Notification.objects.filter(user=cast.operator.user).count() == 4

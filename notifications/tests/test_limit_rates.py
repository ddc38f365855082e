"""Storm limits: per recipient, per recipient and ticket, and never to our own mailbox addresses."""

from __future__ import annotations

import pytest
import time_machine
from django.utils import timezone

from notifications import catalogue
from notifications.models import Channel, Delivery, Notification
from notifications.tests.factories import make_action, new_ticket, only_actions
from servicedesk.services.tickets import add_comment


def _comments(cast, committed, ticket, count) -> None:
    for number in range(count):
        with committed():
            add_comment(ticket=ticket, actor=cast.operator.user, body=f"note {number}")


@pytest.mark.django_db
def test_per_ticket_limit_stops_a_storm_on_one_ticket(cast, committed, settings):
    settings.NOTIFY_RATE_PER_TICKET = (3, 600)
    only_actions(make_action(catalogue.COMMENT_PUBLIC, Channel.PUSH, to_responsible=True))
    with committed():
        first, second = new_ticket(cast), new_ticket(cast)
    _comments(cast, committed, first, 5)
    _comments(cast, committed, second, 1)
    assert Notification.objects.filter(ticket=first).count() == 3
    assert Notification.objects.filter(ticket=second).count() == 1
    assert Delivery.objects.filter(status=Delivery.Status.RATE_LIMITED).count() == 2


@pytest.mark.django_db
def test_per_recipient_limit_spans_tickets_and_window_expires(cast, committed, settings):
    settings.NOTIFY_RATE_PER_RECIPIENT = (2, 3600)
    only_actions(make_action(catalogue.COMMENT_PUBLIC, Channel.PUSH, to_responsible=True))
    with committed():
        tickets = [new_ticket(cast) for _ in range(3)]
    for ticket in tickets:
        _comments(cast, committed, ticket, 1)
    assert Notification.objects.count() == 2
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=2)):
        _comments(cast, committed, tickets[0], 1)
    assert Notification.objects.count() == 3


@pytest.mark.django_db
def test_mail_to_our_own_mailbox_is_never_sent(cast, committed, outgoing):
    only_actions(
        make_action(
            catalogue.COMMENT_PUBLIC,
            Channel.EMAIL,
            addresses="Support@corp.example\ndesk@corp.example\nboss@corp.example",
        )
    )
    with committed():
        add_comment(ticket=new_ticket(cast), actor=cast.operator.user, body="note")
    statuses = dict(Delivery.objects.values_list("recipient", "status"))
    assert statuses == {
        "support@corp.example": Delivery.Status.OWN_ADDRESS,
        "desk@corp.example": Delivery.Status.OWN_ADDRESS,
        "boss@corp.example": Delivery.Status.QUEUED,
    }

"""A disabled event action sends nothing; the global e-mail switch stops notification mail."""

from __future__ import annotations

import pytest

from mailconf.models import OutboxMessage, OutboxStatus
from notifications import catalogue
from notifications.models import Channel, Delivery, EventAction, Notification, Occurrence
from notifications.tests.factories import make_action, new_ticket, only_actions
from servicedesk.services.tickets import add_comment


@pytest.mark.django_db
def test_disabled_action_sends_nothing(cast, committed):
    only_actions()  # every shipped action off
    make_action(catalogue.COMMENT_PUBLIC, Channel.PUSH, to_responsible=True, enabled=False)
    make_action(catalogue.COMMENT_PUBLIC, Channel.EMAIL, to_requester=True, enabled=False)
    with committed():
        add_comment(ticket=new_ticket(cast), actor=cast.operator.user, body="note")
    assert not Notification.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert not Occurrence.objects.exists()  # nothing listens: not even journaled


@pytest.mark.django_db
def test_switching_one_action_off_keeps_the_others(cast, committed):
    push = make_action(catalogue.COMMENT_PUBLIC, Channel.PUSH, to_responsible=True)
    mail = make_action(catalogue.COMMENT_PUBLIC, Channel.EMAIL, to_requester=True)
    only_actions(push, mail)
    EventAction.objects.filter(pk=push.pk).update(enabled=False)
    with committed():
        add_comment(ticket=new_ticket(cast), actor=cast.operator.user, body="note")
    assert not Notification.objects.exists()
    assert list(Delivery.objects.values_list("action_id", flat=True)) == [mail.pk]


@pytest.mark.django_db
def test_global_switch_stops_notification_mail_but_not_push(cast, committed, outgoing, smtp):
    outgoing.notifications_enabled = False
    outgoing.save()
    only_actions(
        make_action(catalogue.COMMENT_PUBLIC, Channel.EMAIL, to_requester=True),
        make_action(catalogue.COMMENT_PUBLIC, Channel.PUSH, to_responsible=True),
    )
    with committed():
        add_comment(ticket=new_ticket(cast), actor=cast.operator.user, body="note")
    assert OutboxMessage.objects.get().status == OutboxStatus.SKIPPED
    assert Notification.objects.count() == 1
    assert smtp.plain.messages == []

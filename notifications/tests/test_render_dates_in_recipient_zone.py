"""Dates in notifications read as in the interface (issue 11, point 7): the deadline and the other
date placeholders in the zone of each recipient's profile, the installation's zone for people
without one, and in the interface's one format (d.m.Y H:i) whatever the language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mailconf.models import OutboxMessage
from notifications import catalogue
from notifications.models import Channel, Notification
from notifications.tests.factories import make_action, new_ticket, only_actions
from servicedesk.models import Ticket
from servicedesk.services.tickets import add_comment, add_watcher

pytestmark = pytest.mark.django_db(transaction=True)

DEADLINE = datetime(2030, 3, 1, 9, 5, tzinfo=UTC)  # 12:05 in Moscow (the installation), 19:05 in Vladivostok
CREATED = datetime(2030, 2, 27, 21, 30, tzinfo=UTC)  # 28.02 00:30 in Moscow, 28.02 07:30 in Vladivostok


def test_deadline_and_created_follow_each_recipients_zone(cast, settings) -> None:
    assert settings.TIME_ZONE == "Europe/Moscow"
    body = {"body_ru": "Срок: DEADLINE; создана TICKET_CREATED", "body_en": "Due: DEADLINE; created TICKET_CREATED"}
    only_actions(
        make_action(catalogue.COMMENT_PUBLIC, Channel.PUSH, to_responsible=True, to_watchers=True, **body),
        make_action(catalogue.COMMENT_PUBLIC, Channel.EMAIL, to_responsible=True, **body),
    )
    ticket = new_ticket(cast)  # responsible: the second-line specialist
    add_watcher(ticket=ticket, actor=cast.operator.user, employee=cast.second_line_peer)
    Ticket.objects.filter(pk=ticket.pk).update(resolution_deadline=DEADLINE, created_at=CREATED)
    far_east = cast.second_line.user
    far_east.time_zone = "Asia/Vladivostok"
    far_east.save(update_fields=["time_zone"])
    cast.second_line_peer.language = "en"
    cast.second_line_peer.save(update_fields=["language"])
    ticket.refresh_from_db()

    add_comment(ticket=ticket, actor=cast.operator.user, body="Проверяем")

    pushed = {n.user_id: n.body for n in Notification.objects.all()}
    assert pushed[far_east.pk] == "Срок: 01.03.2030 19:05; создана 28.02.2030 07:30"
    # No zone on the profile: the installation's; the English text keeps the same date format.
    assert pushed[cast.second_line_peer.user_id] == "Due: 01.03.2030 12:05; created 28.02.2030 00:30"
    mail = OutboxMessage.objects.get()
    assert "Срок: 01.03.2030 19:05; создана 28.02.2030 07:30" in mail.text

"""Shipped defaults: the responsible employee and the watchers get a push for every change they did
not make — any status (resolved, closed, cancelled included), priority, comments (issue 11, point 2)."""

from __future__ import annotations

import pytest

from notifications.models import Notification
from notifications.tests.factories import new_ticket
from servicedesk.models import Priority, TicketStatus
from servicedesk.services.tickets import add_comment, add_watcher, change_priority, change_status

pytestmark = pytest.mark.django_db(transaction=True)


def _pushes(user) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("title", flat=True))


def test_status_priority_and_comment_reach_responsible_and_watchers(cast) -> None:
    ticket = new_ticket(cast)  # responsible: the second-line specialist
    add_watcher(ticket=ticket, actor=cast.operator.user, employee=cast.second_line_peer)
    Notification.objects.all().delete()
    actor = cast.operator.user
    change_status(ticket=ticket, actor=actor, status=TicketStatus.RESOLVED, comment="Картридж заменён.")
    change_status(ticket=ticket, actor=actor, status=TicketStatus.CLOSED)
    change_priority(ticket=ticket, actor=actor, priority=Priority.CRITICAL)
    add_comment(ticket=ticket, actor=actor, body="Готово")
    for person in (cast.second_line, cast.second_line_peer):
        titles = " | ".join(_pushes(person.user))
        assert "Resolved" in titles or "Разрешена" in titles, titles
        assert "Closed" in titles or "Закрыта" in titles, titles
        assert "Критический" in titles or "Critical" in titles, titles
        assert "Комментарий" in titles or "Comment" in titles, titles
    assert _pushes(actor) == []  # never about one's own changes


def test_cancelled_without_comment_pushes_too(cast) -> None:
    ticket = new_ticket(cast)
    Notification.objects.all().delete()
    change_status(ticket=ticket, actor=cast.operator.user, status=TicketStatus.CANCELLED)
    assert len(_pushes(cast.second_line.user)) == 1

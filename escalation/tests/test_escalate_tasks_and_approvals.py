"""Task and approval deadlines escalate through their own schemes to the people they concern."""

from __future__ import annotations

import datetime as dt

import pytest

from escalation.models import EscalationFiring, EscalationTrack, Target
from escalation.services import fire_due_escalations
from notifications.models import Notification
from servicedesk.models import Vote
from servicedesk.services.tickets import create_ticket
from servicedesk.services.work import add_task, decide_approval, finish_task, request_approval
from servicedesk.testing.cast import Cast

from .conftest import at, msk, use_office_hours

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(cast: Cast):
    use_office_hours(cast)
    with at(msk(11, 23, 9)):
        return create_ticket(
            actor=None,
            ticket_type=cast.incident,
            subject="Новый сотрудник",
            requester_contact=cast.client,
            responsible_employee=cast.operator,
        )


def test_task_reminder_an_hour_before_and_overdue_alert(cast: Cast, ticket, committed) -> None:
    with at(msk(11, 23, 10)):
        task = add_task(
            ticket=ticket,
            actor=None,
            title="Выдать пропуск",
            responsible_employee=cast.second_line,
            work_time=dt.timedelta(hours=3),
        )
    assert task.deadline == msk(11, 23, 13)
    track = EscalationTrack.objects.get(scheme__target=Target.TASK, object_id=task.pk)
    assert track.next_at == msk(11, 23, 12)  # an hour before, in working time
    with at(msk(11, 23, 13) + dt.timedelta(seconds=30)), committed():
        assert fire_due_escalations().fired == 4  # the task: -1 h and 100 %; the ticket: reaction and 50 %
    titles = set(Notification.objects.filter(user=cast.second_line.user).values_list("title", flat=True))
    assert "Задача просрочена: Выдать пропуск" in titles
    assert Notification.objects.filter(user=cast.operator.user, title="Задача просрочена: Выдать пропуск").exists()


def test_a_finished_task_does_not_escalate(cast: Cast, ticket) -> None:
    with at(msk(11, 23, 10)):
        task = add_task(
            ticket=ticket, actor=None, title="x", responsible_team=cast.team, work_time=dt.timedelta(hours=1)
        )
        finish_task(task=task, actor=None)
    assert EscalationTrack.objects.get(scheme__target=Target.TASK, object_id=task.pk).next_at is None


def test_overdue_approval_reminds_those_who_have_not_decided(cast: Cast, ticket, committed) -> None:
    with at(msk(11, 23, 10)):
        approval = request_approval(
            ticket=ticket,
            actor=None,
            subject="Закупка",
            approvers=[cast.second_line, cast.auditor],
            work_time=dt.timedelta(hours=2),
        )
        decide_approval(approval=approval, approver=cast.auditor, actor=None, decision=Vote.APPROVED)
    with at(msk(11, 23, 13)), committed():
        fire_due_escalations()
    assert EscalationFiring.objects.filter(level__scheme__target=Target.APPROVAL).count() == 1
    assert Notification.objects.filter(user=cast.second_line.user, title="Согласование просрочено: Закупка").exists()
    assert not Notification.objects.filter(user=cast.auditor.user, title__startswith="Согласование просрочено").exists()

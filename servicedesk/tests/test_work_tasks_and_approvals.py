"""Tasks and approvals on a ticket: deadlines in working time, mandatory tasks block resolving,
approvals decided by all or any approver move the ticket on, and each step notifies by default."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from notifications.models import Notification
from servicedesk.models import ApprovalMode, ApprovalStatus, TaskStatus, TicketStatus, Vote
from servicedesk.services.tickets import change_status, create_ticket
from servicedesk.services.work import add_task, decide_approval, finish_task, request_approval
from servicedesk.testing.cast import Cast

from .sla_helpers import at, msk, use_office_hours

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def ticket(cast: Cast):
    use_office_hours(cast)
    with at(msk(11, 23, 9)):
        return create_ticket(
            actor=cast.operator.user,
            ticket_type=cast.incident,
            subject="Новый сотрудник",
            requester_contact=cast.client,
            responsible_employee=cast.operator,
        )


def test_task_deadline_is_working_time_and_the_assignee_is_notified(cast: Cast, ticket, committed) -> None:
    import datetime as dt

    with at(msk(11, 23, 17)), committed():
        task = add_task(
            ticket=ticket,
            actor=cast.operator.user,
            title="Выдать ноутбук",
            responsible_employee=cast.second_line,
            work_time=dt.timedelta(hours=4),
        )
    assert task.deadline == msk(11, 24, 12)  # 17-18, then 09-12 next day
    note = Notification.objects.get(user=cast.second_line.user)
    assert note.title == f"Задача: Выдать ноутбук (заявка №{ticket.pk})"  # the employee reads Russian
    assert ticket.history.filter(kind="task").exists()


def test_open_mandatory_task_blocks_resolving(cast: Cast, ticket) -> None:
    task = add_task(ticket=ticket, actor=None, title="Настроить VPN", responsible_team=cast.team, is_mandatory=True)
    with pytest.raises(ValidationError) as error:
        change_status(ticket=ticket, actor=cast.operator.user, status=TicketStatus.RESOLVED, comment="Готово")
    assert "Настроить VPN" in error.value.message_dict["status"][0]
    finish_task(task=task, actor=cast.second_line.user, result="Настроено")
    assert task.status == TaskStatus.DONE and task.closed_at is not None
    change_status(ticket=ticket, actor=cast.operator.user, status=TicketStatus.RESOLVED, comment="Готово")


def test_task_needs_a_title_and_a_responsible(cast: Cast, ticket) -> None:
    with pytest.raises(ValidationError) as error:
        add_task(ticket=ticket, actor=None, title=" ", responsible_employee=None)
    assert "title" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        add_task(ticket=ticket, actor=None, title="x")
    assert "responsible_employee" in error.value.message_dict


def test_all_approvers_must_agree(cast: Cast, ticket, committed) -> None:
    change_status(ticket=ticket, actor=cast.operator.user, status=TicketStatus.IN_PROGRESS)
    with committed():
        approval = request_approval(
            ticket=ticket,
            actor=cast.operator.user,
            subject="Закупка ноутбука",
            approvers=[cast.second_line, cast.auditor],
            mode=ApprovalMode.ALL,
        )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING and ticket.sla_running_since is None
    assert Notification.objects.filter(user=cast.auditor.user, event="approval.requested").exists()
    decide_approval(approval=approval, approver=cast.second_line, actor=cast.second_line.user, decision=Vote.APPROVED)
    assert approval.status == ApprovalStatus.PENDING
    with committed():
        decide_approval(
            approval=approval, approver=cast.auditor, actor=cast.auditor.user, decision=Vote.APPROVED, comment="Ок"
        )
    ticket.refresh_from_db()
    assert approval.status == ApprovalStatus.APPROVED
    assert ticket.status == TicketStatus.IN_PROGRESS
    last = ticket.history.filter(kind="approval").last()
    assert "approved" in last.new_value and "Аудитова Алла: approved — Ок" in last.new_value
    assert Notification.objects.filter(user=cast.operator.user, event="approval.decided").exists()


def test_any_approver_is_enough_and_a_rejection_needs_a_comment(cast: Cast, ticket) -> None:
    approval = request_approval(
        ticket=ticket, actor=None, subject="Доступ", approvers=[cast.second_line, cast.auditor], mode=ApprovalMode.ANY
    )
    with pytest.raises(ValidationError) as error:
        decide_approval(approval=approval, approver=cast.auditor, actor=None, decision=Vote.REJECTED)
    assert "comment" in error.value.message_dict
    decide_approval(approval=approval, approver=cast.auditor, actor=None, decision=Vote.REJECTED, comment="Нет")
    assert approval.status == ApprovalStatus.PENDING
    decide_approval(approval=approval, approver=cast.second_line, actor=None, decision=Vote.APPROVED)
    assert approval.status == ApprovalStatus.APPROVED
    with pytest.raises(ValidationError):
        decide_approval(approval=approval, approver=cast.second_line, actor=None, decision=Vote.APPROVED)


def test_one_rejection_rejects_when_all_must_agree(cast: Cast, ticket) -> None:
    approval = request_approval(ticket=ticket, actor=None, subject="Доступ", approvers=[cast.second_line, cast.auditor])
    decide_approval(approval=approval, approver=cast.auditor, actor=None, decision=Vote.REJECTED, comment="Дорого")
    assert approval.status == ApprovalStatus.REJECTED
    with pytest.raises(ValidationError):
        decide_approval(approval=approval, approver=cast.operator, actor=None, decision=Vote.APPROVED)


def test_second_line_assignee_sees_the_ticket_of_their_task(cast: Cast, ticket) -> None:
    from servicedesk.permissions import visible_tickets

    assert not visible_tickets(cast.second_line_peer.user).filter(pk=ticket.pk).exists()
    add_task(ticket=ticket, actor=None, title="Проверить кабель", responsible_team=cast.other_team)
    assert visible_tickets(cast.second_line_peer.user).filter(pk=ticket.pk).exists()

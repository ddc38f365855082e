"""“My tasks”: the open tasks of the employee and their teams, and the approvals awaiting their
decision. Open to any employee with a login (a department head who approves purchases need not
be an operator)."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .. import permissions
from ..forms.work import DecisionForm, FinishTaskForm
from ..models import ApprovalStatus, ApprovalVote, TaskStatus, TicketTask, Vote


def my_tasks(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    employee = permissions.employee_of(request.user)
    if employee is None:
        raise PermissionDenied
    team_ids = list(employee.teams.values_list("pk", flat=True))
    tasks = (
        TicketTask.objects.filter(status=TaskStatus.OPEN)
        .filter(Q(responsible_employee=employee) | Q(responsible_employee__isnull=True, responsible_team__in=team_ids))
        .select_related("ticket", "responsible_employee", "responsible_team")
        .order_by("deadline", "pk")
    )
    votes = (
        ApprovalVote.objects.filter(approver=employee, decision=Vote.PENDING, approval__status=ApprovalStatus.PENDING)
        .select_related("approval__ticket", "approval__created_by")
        .prefetch_related("approval__votes__approver")
        .order_by("approval__deadline", "pk")
    )
    visible = set(
        permissions.visible_tickets(request.user)
        .filter(pk__in=[t.ticket_id for t in tasks] + [v.approval.ticket_id for v in votes])
        .values_list("pk", flat=True)
    )
    context = {
        "tasks": tasks,
        "votes": votes,
        "visible_ticket_ids": visible,
        "finish_form": FinishTaskForm(),
        "decision_form": DecisionForm(),
        "now": timezone.now(),
    }
    return render(request, "servicedesk/work/my_tasks.html", context)

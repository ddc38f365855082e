"""The ticket card's SLA panel, reclassification, tasks and approvals, and the explanation page
of a deadline. Actions go through `ticket_card._run_action`: form -> service -> redirect, or the
card again with the error next to its field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .. import permissions
from ..forms.work import ApprovalForm, DecisionForm, FinishTaskForm, ReclassifyForm, TaskForm
from ..labels import disabled_modules, hidden_values
from ..models import (
    Approval,
    ApprovalStatus,
    ApprovalVote,
    ClockKind,
    TaskStatus,
    Ticket,
    TicketTask,
    Vote,
    working_duration,
)
from ..services import work
from ..services.agreements import agreement_choices
from ..services.reclassify import reclassify_ticket
from ..services.sla_view import clock_views, explain, rule_label
from .access import _get_ticket_for_user, operator_required
from .ticket_card import _run_action


def _work_time(data: dict) -> dt.timedelta | None:
    return working_duration(data["work_amount"], data["work_unit"]) if data.get("work_amount") else None


def sla_context(request: HttpRequest, ticket: Ticket, can_change: bool) -> dict[str, Any]:
    """What the card adds for SLA, reclassification, tasks and approvals."""
    reaction, resolution = clock_views(ticket, timezone.now())
    employee = permissions.employee_of(request.user)
    approvals = list(ticket.approvals.prefetch_related("votes__approver").order_by("-created_at"))
    my_votes = {
        vote.approval_id
        for approval in approvals
        for vote in approval.votes.all()
        if employee and vote.approver_id == employee.pk and vote.decision == Vote.PENDING and approval.is_pending
    }
    context: dict[str, Any] = {
        "sla_reaction": reaction,
        "sla_resolution": resolution,
        "sla_reaction_rule": rule_label(ticket, ClockKind.REACTION),
        "sla_resolution_rule": rule_label(ticket, ClockKind.RESOLUTION),
        "tasks": ticket.tasks.select_related("responsible_employee", "responsible_team").order_by("status", "pk"),
        "approvals": approvals,
        "my_vote_ids": my_votes,
        "decision_form": DecisionForm(),
    }
    if can_change:
        choices = agreement_choices(
            employee=ticket.requester_employee, contact=ticket.requester_contact, service=ticket.service
        )
        context |= {
            "reclassify_form": ReclassifyForm(ticket=ticket, choices=choices, hidden_types=_hidden_types(request)),
            "task_form": TaskForm(),
            "finish_form": FinishTaskForm(),
            "approval_form": ApprovalForm(),
        }
    return context


def _hidden_types(request: HttpRequest) -> set[str]:
    return hidden_values(disabled_modules(request), "ticket_types")


@operator_required
def ticket_sla(request: HttpRequest, pk: int, clock: str) -> HttpResponse:
    """How a deadline was computed: the rule, and the counted and stopped stretches behind it."""
    if clock not in ClockKind.values:
        raise Http404
    ticket = _get_ticket_for_user(request, pk)
    explanation = explain(ticket, clock, timezone.now())
    return render(request, "servicedesk/tickets/sla.html", {"ticket": ticket, "explanation": explanation})


@operator_required
def reclassify(request: HttpRequest, pk: int) -> HttpResponse:
    def act(ticket: Ticket, data: dict) -> str:
        reclassify_ticket(
            ticket=ticket,
            actor=request.user,  # type: ignore[arg-type]
            subject=data["subject"],
            description=data["description"],
            ticket_type=data["type"],
            service=data["service"],
            agreement=data["agreement"],
            priority=data["priority"],
        )
        return _("Ticket parameters saved; the deadlines were recomputed.")

    return _run_action(
        request,
        pk,
        "reclassify_form",
        lambda t: ReclassifyForm(request.POST, ticket=t, hidden_types=_hidden_types(request)),
        act,
        anchor="#reclassify",
    )


@operator_required
def add_task(request: HttpRequest, pk: int) -> HttpResponse:
    def act(ticket: Ticket, data: dict) -> str:
        task = work.add_task(
            ticket=ticket,
            actor=request.user,  # type: ignore[arg-type]
            title=data["title"],
            description=data["description"],
            responsible_employee=data["responsible_employee"],
            responsible_team=data["responsible_team"],
            work_time=_work_time(data),
            is_mandatory=data["is_mandatory"],
        )
        return _("Task “%(title)s” added.") % {"title": task.title}

    return _run_action(request, pk, "task_form", lambda t: TaskForm(request.POST), act, anchor="#tasks")


@operator_required
def request_approval(request: HttpRequest, pk: int) -> HttpResponse:
    def act(ticket: Ticket, data: dict) -> str:
        work.request_approval(
            ticket=ticket,
            actor=request.user,  # type: ignore[arg-type]
            subject=data["subject"],
            description=data["description"],
            approvers=data["approvers"],
            mode=data["mode"],
            work_time=_work_time(data),
        )
        return _("Approval requested; the ticket waits for the decision.")

    return _run_action(request, pk, "approval_form", lambda t: ApprovalForm(request.POST), act, anchor="#approvals")


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


def finish_task(request: HttpRequest, task_pk: int) -> HttpResponse:
    """Done or cancelled, by the task's assignee (or their team) or by whoever may edit the ticket."""
    if not request.user.is_authenticated or request.method != "POST":
        raise PermissionDenied
    task = get_object_or_404(TicketTask.objects.select_related("ticket"), pk=task_pk)
    employee = permissions.employee_of(request.user)
    mine = employee is not None and (
        task.responsible_employee_id == employee.pk
        or (task.responsible_team_id is not None and employee.teams.filter(pk=task.responsible_team_id).exists())
    )
    if not mine and not permissions.can_edit_ticket(request.user, task.ticket):
        raise PermissionDenied
    form = FinishTaskForm(request.POST)
    if form.is_valid():
        try:
            work.finish_task(
                task=task,
                actor=request.user,
                status=form.cleaned_data["status"],
                result=form.cleaned_data["result"],
            )
            messages.success(
                request,
                _("Task “%(title)s”: %(status)s.") % {"title": task.title, "status": TaskStatus(task.status).label},
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return _back(request, f"/tickets/{task.ticket_id}/#tasks")


def decide_approval(request: HttpRequest, approval_pk: int) -> HttpResponse:
    """An approver's decision; anyone else gets 403 whatever their rights on the ticket."""
    if not request.user.is_authenticated or request.method != "POST":
        raise PermissionDenied
    approval = get_object_or_404(Approval.objects.select_related("ticket"), pk=approval_pk)
    employee = permissions.employee_of(request.user)
    if employee is None or not ApprovalVote.objects.filter(approval=approval, approver=employee).exists():
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Approve or reject."))
    else:
        try:
            work.decide_approval(
                approval=approval,
                approver=employee,
                actor=request.user,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("Your decision is recorded."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return _back(request, "/my-tasks/")


@operator_required
def cancel_approval(request: HttpRequest, pk: int, approval_pk: int) -> HttpResponse:
    def act(ticket: Ticket, data: dict) -> str:
        approval = get_object_or_404(ticket.approvals, pk=approval_pk, status=ApprovalStatus.PENDING)
        work.cancel_approval(approval=approval, actor=request.user)  # type: ignore[arg-type]
        return _("Approval cancelled.")

    return _run_action(
        request, pk, "cancel_approval_form", lambda t: forms.Form(request.POST), act, anchor="#approvals"
    )

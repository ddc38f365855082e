"""The ticket card and the actions on it. Every action is a POST form: form -> service -> redirect
with a message (PRG); a ValidationError from the service re-renders the card with the error shown
next to its field."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..forms import AssignForm, AttachmentForm, CommentForm, StatusForm, WatcherForm, apply_validation_error
from ..http import AuthenticatedRequest
from ..models import Ticket, TicketStatus
from ..services import tickets as ticket_services
from .access import _get_editable_ticket_for_user, _get_ticket_for_user, operator_required
from .tickets import _new_files

TABS = ("timeline", "history")


def _card_context(request: HttpRequest, ticket: Ticket, bound: dict[str, forms.Form]) -> dict[str, object]:
    can_edit = permissions.can_edit_ticket(request.user, ticket)
    context: dict[str, object] = {
        "ticket": ticket,
        "can_edit": can_edit,
        "now": timezone.now(),
        "tab": request.GET.get("tab") if request.GET.get("tab") in TABS else "timeline",
        "comments": ticket.comments.select_related("author").prefetch_related("attachments"),
        "files": ticket.attachments.filter(comment=None),
        "history": ticket.history.all(),
        "watchers": ticket.watchers.select_related("employee", "contact"),
        "status_label": TicketStatus(ticket.status).label,
    }
    if can_edit:
        initial = {
            "responsible_employee": ticket.responsible_employee_id,
            "responsible_team": ticket.responsible_team_id,
        }
        context |= {
            "status_form": StatusForm(ticket=ticket),
            "assign_form": AssignForm(initial=initial),
            "comment_form": CommentForm(),
            "attachment_form": AttachmentForm(),
            "watcher_form": WatcherForm(),
        }
        context |= bound
    return context


@operator_required
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _get_ticket_for_user(request, pk)
    return render(request, "servicedesk/tickets/detail.html", _card_context(request, ticket, {}))


def _run_action(
    request: HttpRequest,
    pk: int,
    form_name: str,
    make_form: Callable[[Ticket], forms.Form],
    act: Callable[[Ticket, dict], str],
    anchor: str = "",
) -> HttpResponse:
    ticket = _get_editable_ticket_for_user(request, pk)
    card_url = reverse("ticket_detail", args=[ticket.pk])
    if request.method != "POST":
        return redirect(card_url)
    form = make_form(ticket)
    if form.is_valid():
        try:
            message = act(ticket, form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, message)
            return redirect(card_url + anchor)
    response = render(request, "servicedesk/tickets/detail.html", _card_context(request, ticket, {form_name: form}))
    response["HX-Replace-Url"] = card_url  # the browser keeps the card's address, not the action's
    return response


@operator_required
def change_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def act(ticket: Ticket, data: dict) -> str:
        ticket_services.change_status(ticket=ticket, actor=request.user, status=data["status"], comment=data["comment"])
        return _("Status changed to “%(status)s”.") % {"status": TicketStatus(data["status"]).label}

    return _run_action(request, pk, "status_form", lambda t: StatusForm(request.POST, ticket=t), act)


@operator_required
def assign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def act(ticket: Ticket, data: dict) -> str:
        ticket_services.assign_ticket(
            ticket=ticket, actor=request.user, employee=data["responsible_employee"], team=data["responsible_team"]
        )
        return _("Responsible changed.")

    return _run_action(request, pk, "assign_form", lambda t: AssignForm(request.POST), act)


@operator_required
def add_comment(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def act(ticket: Ticket, data: dict) -> str:
        ticket_services.add_comment(
            ticket=ticket,
            actor=request.user,
            body=data["body"],
            is_private=data["is_private"],
            files=_new_files(data["files"]),
        )
        return _("Private note added.") if data["is_private"] else _("Comment added.")

    return _run_action(
        request, pk, "comment_form", lambda t: CommentForm(request.POST, request.FILES), act, anchor="#timeline-end"
    )


@operator_required
def add_attachment(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def act(ticket: Ticket, data: dict) -> str:
        for new_file in _new_files(data["files"]):
            ticket_services.add_attachment(ticket=ticket, actor=request.user, new_file=new_file)
        return _("Files attached.")

    return _run_action(request, pk, "attachment_form", lambda t: AttachmentForm(request.POST, request.FILES), act)


@operator_required
def add_watcher(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def act(ticket: Ticket, data: dict) -> str:
        ticket_services.add_watcher(ticket=ticket, actor=request.user, employee=data["employee"])
        return _("%(person)s now watches the ticket.") % {"person": data["employee"].full_name}

    return _run_action(request, pk, "watcher_form", lambda t: WatcherForm(request.POST), act)


@operator_required
def remove_watcher(request: AuthenticatedRequest, pk: int, watcher_pk: int) -> HttpResponse:
    def act(ticket: Ticket, data: dict) -> str:
        watcher = get_object_or_404(ticket.watchers, pk=watcher_pk)
        ticket_services.remove_watcher(ticket=ticket, actor=request.user, watcher=watcher)
        return _("%(person)s no longer watches the ticket.") % {"person": watcher}

    return _run_action(request, pk, "remove_watcher_form", lambda t: forms.Form(request.POST), act)

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
from ..forms.widgets import active_employees, all_teams, share_choices
from ..http import AuthenticatedRequest
from ..models import OPEN_STATUSES, Ticket, TicketStatus
from ..services import tickets as ticket_services
from .access import _get_editable_ticket_for_user, _get_ticket_for_user, acting_user, operator_required
from .tickets import _new_files

TABS = ("timeline", "history")


def _card_context(request: HttpRequest, ticket: Ticket, bound: dict[str, forms.Form]) -> dict[str, object]:
    from .ticket_work import sla_context

    # A closed or cancelled ticket accepts no changes: the card offers none.
    can_edit = permissions.can_edit_ticket(request.user, ticket) and not ticket.is_final
    history = list(ticket.history.all())
    context: dict[str, object] = {
        "ticket": ticket,
        "can_edit": can_edit,
        "now": timezone.now(),
        "tab": request.GET.get("tab") if request.GET.get("tab") in TABS else "timeline",
        "comments": ticket.comments.select_related("author").prefetch_related("attachments"),
        "files": ticket.attachments.filter(comment=None),
        "history": history,
        # The live channel reports changes after this one (servicedesk/live.py).
        "live_version": max((row.pk for row in history), default=0),
        "watchers": ticket.watchers.select_related("employee", "contact"),
        "status_label": TicketStatus(ticket.status).label,
    }
    context |= sla_context(request, ticket, can_edit)
    if can_edit:
        initial = {
            "responsible_employee": ticket.responsible_employee_id,
            "responsible_team": ticket.responsible_team_id,
        }
        employee = permissions.employee_of(request.user)
        context |= {
            "can_take": employee is not None
            and ticket.status in OPEN_STATUSES
            and (ticket.responsible_employee_id != employee.pk or ticket.status != TicketStatus.IN_PROGRESS),
            "status_form": StatusForm(ticket=ticket),
            "assign_form": AssignForm(initial=initial),
            "comment_form": CommentForm(),
            "attachment_form": AttachmentForm(),
            "watcher_form": WatcherForm(),
        }
        context |= bound
        assign, watcher = context["assign_form"], context["watcher_form"]
        assert isinstance(assign, forms.Form) and isinstance(watcher, forms.Form)
        share_choices(active_employees(), assign.fields["responsible_employee"], watcher.fields["employee"])
        share_choices(all_teams(), assign.fields["responsible_team"])
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
    # A toast at the top says at once that nothing was saved; the page then scrolls the field
    # with the error into view (static/js/app.js), wherever its panel is.
    messages.error(request, _("Not saved: %(reason)s") % {"reason": _first_error(form)})
    response = render(request, "servicedesk/tickets/detail.html", _card_context(request, ticket, {form_name: form}))
    response["HX-Replace-Url"] = card_url  # the browser keeps the card's address, not the action's
    return response


def _first_error(form: forms.Form) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return _("check the values.")


@operator_required
def take_into_work(request: HttpRequest, pk: int) -> HttpResponse:
    def act(ticket: Ticket, data: dict) -> str:
        ticket_services.take_into_work(ticket=ticket, actor=acting_user(request))
        return _("The ticket is yours and in progress.")

    return _run_action(request, pk, "take_form", lambda t: forms.Form(request.POST), act)


@operator_required
def change_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def act(ticket: Ticket, data: dict) -> str:
        ticket_services.change_status(
            ticket=ticket, actor=acting_user(request), status=data["status"], comment=data["comment"]
        )
        return _("Status changed to “%(status)s”.") % {"status": TicketStatus(data["status"]).label}

    return _run_action(request, pk, "status_form", lambda t: StatusForm(request.POST, ticket=t), act)


@operator_required
def assign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def act(ticket: Ticket, data: dict) -> str:
        ticket_services.assign_ticket(
            ticket=ticket,
            actor=acting_user(request),
            employee=data["responsible_employee"],
            team=data["responsible_team"],
        )
        return _("Responsible changed.")

    return _run_action(request, pk, "assign_form", lambda t: AssignForm(request.POST), act)


@operator_required
def add_comment(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def act(ticket: Ticket, data: dict) -> str:
        ticket_services.add_comment(
            ticket=ticket,
            actor=acting_user(request),
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
            ticket_services.add_attachment(ticket=ticket, actor=acting_user(request), new_file=new_file)
        return _("Files attached.")

    return _run_action(request, pk, "attachment_form", lambda t: AttachmentForm(request.POST, request.FILES), act)


@operator_required
def add_watcher(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def act(ticket: Ticket, data: dict) -> str:
        ticket_services.add_watcher(ticket=ticket, actor=acting_user(request), employee=data["employee"])
        return _("%(person)s now watches the ticket.") % {"person": data["employee"].full_name}

    return _run_action(request, pk, "watcher_form", lambda t: WatcherForm(request.POST), act)


@operator_required
def remove_watcher(request: AuthenticatedRequest, pk: int, watcher_pk: int) -> HttpResponse:
    def act(ticket: Ticket, data: dict) -> str:
        watcher = get_object_or_404(ticket.watchers, pk=watcher_pk)
        ticket_services.remove_watcher(ticket=ticket, actor=acting_user(request), watcher=watcher)
        return _("%(person)s no longer watches the ticket.") % {"person": watcher}

    return _run_action(request, pk, "remove_watcher_form", lambda t: forms.Form(request.POST), act)

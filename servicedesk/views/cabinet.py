"""The client's personal cabinet (seed 004): a contact person (or an employee without an operator
role) sees their tickets — with the company-wide flag, the company's —, registers a ticket for a
service of their agreements, comments publicly, attaches files and follows the status.

Every lookup goes through `permissions.cabinet_tickets`, so a guessed ticket or attachment number
answers 404; private comments and their files never reach this interface.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import permissions
from ..forms import apply_validation_error
from ..forms.cabinet import CabinetCommentForm, CabinetTicketForm, offered_services
from ..labels import disabled_modules, hidden_values
from ..models import OPEN_STATUSES, Attachment, Ticket, TicketChannel, TicketHistory, TicketStatus
from ..services import tickets as ticket_services
from .attachments import INLINE_TYPES
from .listing import LIST_RELATED
from .tickets import _new_files

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])
PAGE = 50


def requester_required(view: ViewFunc) -> ViewFunc:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not permissions.is_requester(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _tickets(request: HttpRequest) -> QuerySet[Ticket]:
    return permissions.cabinet_tickets(request.user).select_related(*LIST_RELATED, "requester_contact__company")


def _ticket(request: HttpRequest, pk: int) -> Ticket:
    return get_object_or_404(_tickets(request), pk=pk)


@requester_required
def cabinet_home(request: HttpRequest) -> HttpResponse:
    contact = permissions.contact_of(request.user)
    scope = request.GET.get("scope", "open")
    tickets = _tickets(request)
    if scope == "open":
        tickets = tickets.filter(status__in=OPEN_STATUSES)
    company_wide = bool(contact and contact.sees_company_tickets)
    if scope == "mine":
        employee = permissions.employee_of(request.user)
        own = Q(pk__in=[])
        if contact is not None:
            own |= Q(requester_contact=contact)
        if employee is not None:
            own |= Q(requester_employee=employee)
        tickets = tickets.filter(own)
    context = {
        "tickets": tickets.order_by("-id")[:PAGE],
        "scope": scope,
        "company_wide": company_wide,
        "contact": contact,
        "open_count": _tickets(request).filter(status__in=OPEN_STATUSES).count(),
    }
    return render(request, "servicedesk/cabinet/home.html", context)


def _offered(request: HttpRequest) -> list[Any]:
    hidden = hidden_values(disabled_modules(request), "ticket_types")
    return offered_services(
        contact=permissions.contact_of(request.user),
        employee=permissions.employee_of(request.user),
        hidden_types=hidden,
    )


@requester_required
def cabinet_create(request: HttpRequest) -> HttpResponse:
    offered = _offered(request)
    form = CabinetTicketForm(request.POST or None, request.FILES or None, offered=offered)
    if request.method == "POST" and form.is_valid():
        service, ticket_type = form.cleaned_data["choice"]
        contact, employee = permissions.contact_of(request.user), permissions.employee_of(request.user)
        try:
            ticket = ticket_services.create_ticket(
                actor=request.user,  # type: ignore[arg-type]
                ticket_type=ticket_type,
                service=service,
                subject=form.cleaned_data["subject"],
                description=form.cleaned_data["description"],
                requester_contact=contact if contact and contact.is_active else None,
                requester_employee=None if contact and contact.is_active else employee,
                channel=TicketChannel.PORTAL,
                files=_new_files(form.cleaned_data["files"]),
            )
        except ValidationError as error:
            error_dict = getattr(error, "error_dict", None)
            if error_dict and ("service" in error_dict or "type" in error_dict):
                error = ValidationError({"choice": [m for v in error_dict.values() for e in v for m in e.messages]})
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Ticket #%(number)s is registered.") % {"number": ticket.number})
            return redirect("cabinet_ticket", pk=ticket.pk)
    return render(request, "servicedesk/cabinet/create.html", {"form": form, "offered": offered})


def _status_codes() -> dict[str, str]:
    """Status rows keep the code (older ones the label in the language of the moment); map either to the code."""
    codes: dict[str, str] = {status.value: status.value for status in TicketStatus}
    for language in ("ru", "en"):
        with translation.override(language):
            codes.update({str(status.label): status.value for status in TicketStatus})
    return codes


def _status_log(ticket: Ticket) -> list[tuple[Any, str]]:
    codes = _status_codes()
    log = []
    for item in ticket.history.filter(kind__in=[TicketHistory.Kind.CREATED, TicketHistory.Kind.STATUS]):
        if item.kind == TicketHistory.Kind.CREATED:
            log.append((item.at, _("Registered")))
        else:
            code = codes.get(item.new_value)
            log.append((item.at, str(TicketStatus(code).label) if code else item.new_value))
    return log


def _card(request: HttpRequest, ticket: Ticket, comment_form: CabinetCommentForm | None = None) -> HttpResponse:
    comments = ticket.comments.filter(is_private=False).select_related("author").prefetch_related("attachments")
    context = {
        "ticket": ticket,
        "comments": comments,
        "files": ticket.attachments.filter(comment=None),
        "statuses": _status_log(ticket),
        "status_label": TicketStatus(ticket.status).label,
        "comment_form": comment_form or CabinetCommentForm(),
        "can_close": ticket.status == TicketStatus.RESOLVED,
        "is_open": ticket.status not in (TicketStatus.CLOSED, TicketStatus.CANCELLED),
    }
    return render(request, "servicedesk/cabinet/ticket.html", context)


@requester_required
def cabinet_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    return _card(request, _ticket(request, pk))


@requester_required
@require_POST
def cabinet_comment(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk)
    form = CabinetCommentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            ticket_services.add_comment(
                ticket=ticket,
                actor=request.user,  # type: ignore[arg-type]
                body=form.cleaned_data["body"],
                is_private=False,
                files=_new_files(form.cleaned_data["files"]),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Comment added."))
            return redirect("cabinet_ticket", pk=pk)
    return _card(request, ticket, form)


@requester_required
@require_POST
def cabinet_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """On a resolved ticket: "Confirm and close" or "Not solved" (resume)."""
    ticket = _ticket(request, pk)
    status = TicketStatus.CLOSED if request.POST.get("decision") == "close" else TicketStatus.RESUMED
    comment = request.POST.get("comment", "")[:5000]
    try:
        ticket_services.change_status(ticket=ticket, actor=request.user, status=status, comment=comment)  # type: ignore[arg-type]
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Thank you, the ticket is closed.") if status == TicketStatus.CLOSED else _("The ticket is resumed."),
        )
    return redirect("cabinet_ticket", pk=pk)


@requester_required
def cabinet_attachment(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("comment"), pk=pk)
    visible = _tickets(request).filter(pk=attachment.ticket_id).exists()
    if not visible or (attachment.comment is not None and attachment.comment.is_private):
        raise Http404
    inline = request.GET.get("inline") == "1" and attachment.content_type in INLINE_TYPES
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=attachment.filename,
        content_type=attachment.content_type if inline else "application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

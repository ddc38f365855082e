"""Bulk actions on the ticket list and its XLSX export. Both start from the list's own filter."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import permissions
from ..forms import TicketFilterForm
from ..forms.bulk import BulkAction, BulkActionForm
from ..models import Ticket
from ..services import tickets as ticket_services
from .access import acting_user, operator_required
from .export import EXPORT_LIMIT, tickets_workbook
from .listing import filter_tickets

Change = Callable[[Ticket], object]


def _change_for(request: HttpRequest, data: dict) -> Change:
    actor = acting_user(request)
    if data["action"] == BulkAction.ASSIGN:
        return lambda ticket: ticket_services.assign_ticket(
            ticket=ticket, actor=actor, employee=data["responsible_employee"], team=data["responsible_team"]
        )
    if data["action"] == BulkAction.STATUS:
        return lambda ticket: ticket_services.change_status(ticket=ticket, actor=actor, status=data["status"])
    return lambda ticket: ticket_services.change_priority(ticket=ticket, actor=actor, priority=data["priority"])


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@operator_required
@require_POST
def bulk_action(request: HttpRequest) -> HttpResponse:
    """Apply one change to every selected ticket this user may change, each in its own transaction
    through the same service as the card, so history, events and notifications are the same."""
    if not permissions.can_register_tickets(request.user):
        raise PermissionDenied
    form = BulkActionForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            text = " ".join(str(error) for error in errors)
            messages.error(request, f"{label}: {text}" if label else text)
        return redirect(_back(request))
    data = form.cleaned_data
    change = _change_for(request, data)
    tickets = permissions.visible_tickets(request.user).filter(pk__in=data["tickets"]).order_by("pk")
    done, refused = 0, []
    for ticket in tickets:
        if not permissions.can_edit_ticket(request.user, ticket):
            refused.append(_("#%(number)s: read only for you") % {"number": ticket.number})
            continue
        try:
            change(ticket)
        except ValidationError as error:
            refused.append(f"#{ticket.number}: {' '.join(error.messages)}")
        else:
            done += 1
    if done:
        messages.success(request, _("Tickets changed: %(count)s.") % {"count": done})
    if refused:
        messages.error(request, _("Not changed: %(reasons)s") % {"reasons": "; ".join(refused)})
    if not done and not refused:
        messages.error(request, _("Select the tickets to change."))
    return redirect(_back(request))


@operator_required
@require_GET
def export_xlsx(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered list (the same parameters as the list page) as an Excel workbook."""
    params = TicketFilterForm(request.GET).cleaned_or_defaults()
    tickets = filter_tickets(request.user, params)[:EXPORT_LIMIT]  # type: ignore[arg-type]
    stamp = timezone.localtime().strftime("%Y-%m-%d_%H-%M")
    response = StreamingHttpResponse(
        _chunks(tickets_workbook(tickets)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="tickets_{stamp}.xlsx"'
    return response


def _chunks(data: bytes) -> Iterator[bytes]:
    size = 64 * 1024
    for start in range(0, len(data), size):
        yield data[start : start + size]

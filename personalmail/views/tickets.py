"""Filing a message on a ticket (by its number) or registering a ticket from it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from servicedesk import permissions
from servicedesk.models import TicketType

from ..services.tickets import create_ticket_from_message, link_to_ticket
from .access import _get_message_for_user, employee_required


@employee_required
@require_POST
def link(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get_message_for_user(request, pk)
    number = request.POST.get("ticket", "").strip().lstrip("#")
    ticket = permissions.visible_tickets(request.user).filter(pk=number).first() if number.isdigit() else None
    if ticket is None or not permissions.can_edit_ticket(request.user, ticket):
        messages.error(request, _("No ticket with this number that you may change."))
        return redirect("personalmail:message", pk=item.pk)
    link_to_ticket(message=item, ticket=ticket, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The message is filed on ticket %(number)s.") % {"number": ticket.pk})
    return redirect("personalmail:message", pk=item.pk)


@employee_required
@require_POST
def create(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get_message_for_user(request, pk)
    if not permissions.can_register_tickets(request.user):
        raise PermissionDenied
    ticket_type = TicketType.objects.filter(pk=request.POST.get("type") or 0).first() or TicketType.objects.first()
    if ticket_type is None:
        messages.error(request, _("No ticket types are configured."))
        return redirect("personalmail:message", pk=item.pk)
    try:
        ticket = create_ticket_from_message(message=item, ticket_type=ticket_type, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("personalmail:message", pk=item.pk)
    messages.success(request, _("Ticket %(number)s is registered from the message.") % {"number": ticket.pk})
    return redirect("ticket_detail", pk=ticket.pk)

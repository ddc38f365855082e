"""Access helpers shared by the operator views: login + operator check, and object lookups
that go through `servicedesk.permissions` so nothing outside the user's visibility is found."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404

from .. import permissions
from ..models import Attachment, Contact, Employee, Ticket

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])


def operator_required(view: ViewFunc) -> ViewFunc:
    """Anonymous users go to the login page; logged-in non-operators get the 403 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not permissions.is_operator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _get_ticket_for_user(request: HttpRequest, pk: int) -> Ticket:
    """The ticket if this user may see it; 404 otherwise, so guessing numbers reveals nothing."""
    qs = permissions.visible_tickets(request.user).select_related(
        "type",
        "service",
        "agreement",
        "requester_employee__department",
        "requester_contact__company",
        "responsible_employee",
        "responsible_team",
        "created_by",
    )
    return get_object_or_404(qs, pk=pk)


def _get_editable_ticket_for_user(request: HttpRequest, pk: int) -> Ticket:
    """The ticket for a change: 404 when invisible, 403 when visible but read-only (auditors)."""
    ticket = _get_ticket_for_user(request, pk)
    if not permissions.can_edit_ticket(request.user, ticket):
        raise PermissionDenied
    return ticket


def _get_employee_for_user(request: HttpRequest, pk: int) -> Employee:
    qs = permissions.visible_employees(request.user).select_related("department", "user")
    return get_object_or_404(qs, pk=pk)


def _get_contact_for_user(request: HttpRequest, pk: int) -> Contact:
    qs = permissions.visible_contacts(request.user).select_related("company", "user")
    return get_object_or_404(qs, pk=pk)


def _get_attachment_for_user(request: HttpRequest, pk: int) -> Attachment:
    attachment = get_object_or_404(Attachment.objects.select_related("comment"), pk=pk)
    if not permissions.visible_tickets(request.user).filter(pk=attachment.ticket_id).exists():
        raise Http404
    return attachment

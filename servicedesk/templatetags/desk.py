"""Presentation helpers for the operator templates: badges, deadline states, sort links."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field
from django.http import QueryDict
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from ..mail_html import render_comment_html
from ..models import Comment, Priority, Ticket, TicketStatus, User
from ..models.tickets import OPEN_STATUSES
from ..services.history import actor_label
from ..services.sla_view import ClockView, clock_views, format_duration

register = template.Library()

SOON = timedelta(hours=4)
HISTORY_FIELDS = {
    "priority": lambda: _("priority"),
    "responsible": lambda: _("responsible"),
    "comment": lambda: _("comment"),
    "attachment": lambda: _("attachment"),
    "watcher": lambda: _("watcher"),
    "follow_up_of": lambda: _("follow-up of"),
    "follow_up": lambda: _("follow-up ticket"),
}


@register.filter
def status_label(value: str) -> str:
    return str(TicketStatus(value).label) if value in TicketStatus.values else value


@register.filter
def priority_label(value: int) -> str:
    return str(Priority(value).label) if value in Priority.values else str(value)


@register.filter
def priority_key(value: int) -> str:
    """CSS modifier of a priority badge: critical, high, normal, low."""
    return Priority(value).name.lower() if value in Priority.values else "normal"


@register.simple_tag
def deadline_state(ticket: Ticket, now: datetime) -> str:
    """`overdue`, `soon` (within four hours) or empty: drives the deadline highlight."""
    due = ticket.resolution_deadline
    if due is None or ticket.status not in OPEN_STATUSES:
        return ""
    if due < now:
        return "overdue"
    return "soon" if due - now < SOON else ""


@register.filter
def workdur(value: timedelta | None) -> str:
    """A working duration as "2 d 3 h 15 min" (a day being 24 working hours)."""
    return format_duration(value)


@register.simple_tag
def sla_clocks(ticket: Ticket, now: datetime) -> tuple[ClockView, ClockView]:
    """(reaction, resolution) states of the ticket's clocks for the list and the card."""
    return clock_views(ticket, now)


@register.filter
def history_field(name: str) -> str:
    if name in HISTORY_FIELDS:
        return HISTORY_FIELDS[name]()
    try:
        field = Ticket._meta.get_field(name)
    except FieldDoesNotExist:  # unknown field names come from older history rows: show them raw
        return name
    return str(field.verbose_name) if isinstance(field, Field) else name


@register.filter
def history_value(value: str, field: str) -> str:
    """A history value in the reader's language: status and priority rows keep codes (older rows
    hold the label they were written with, shown as it is)."""
    if field == "status":
        return status_label(value)
    if field == "priority" and value.isdigit():
        return priority_label(int(value))
    return value


@register.simple_tag(takes_context=True)
def sort_query(context: template.Context, key: str) -> str:
    """Query string that sorts by `key`, toggling direction when the list is already sorted by it."""
    request = context["request"]
    current = context.get("sort", "-number")
    new = key if current == f"-{key}" else f"-{key}"
    params: QueryDict = request.GET.copy()
    params["sort"] = new
    params.pop("page", None)
    return "?" + params.urlencode()


@register.simple_tag(takes_context=True)
def sort_state(context: template.Context, key: str) -> str:
    """`ascending`/`descending`/`none`, for aria-sort and the arrow on the column header."""
    current = context.get("sort", "-number")
    if current == key:
        return "ascending"
    if current == f"-{key}":
        return "descending"
    return "none"


@register.simple_tag(takes_context=True)
def page_query(context: template.Context, number: int) -> str:
    params: QueryDict = context["request"].GET.copy()
    params["page"] = str(number)
    return "?" + params.urlencode()


@register.filter
def initials(name: str) -> str:
    parts = [p for p in str(name).split() if p]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


@register.filter
def user_label(user: User) -> str:
    """The employee's full name for an operator, else the login (technologists have no card)."""
    return actor_label(user) if user.is_authenticated else ""


@register.filter
def minutes_left(value: timedelta | None) -> int:
    """Whole minutes of a duration, rounded up (a lockout's remaining time)."""
    if not value:
        return 0
    return max(1, -(-int(value.total_seconds()) // 60))


@register.filter
def registered_on_behalf(ticket: Ticket) -> str:
    """Who registered the ticket when it was somebody other than its requester (an operator taking
    a call), else empty: the timeline then names both."""
    registrar = ticket.created_by
    if registrar is None:
        return ""
    person = ticket.requester_employee or ticket.requester_contact
    if person is not None and person.user_id == registrar.pk:
        return ""
    return actor_label(registrar)


@register.filter
def mail_html(comment: Comment) -> SafeString:
    """A comment's original mail formatting, re-sanitised, inline images mapped (servicedesk.mail_html)."""
    return render_comment_html(comment)

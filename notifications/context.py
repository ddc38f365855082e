"""Placeholder values of one event, computed once per recipient language and time zone (not per
recipient). Dates read as everywhere in the interface: the product's one format
(servicedesk/formats), in the zone of the recipient's profile (the installation's TIME_ZONE for
people without one)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation

from servicedesk.models import Attachment, Comment, Priority, Ticket, TicketStatus, TicketWatcher, User


def ticket_url(ticket_id: int) -> str:
    try:
        path = reverse("ticket_detail", args=[ticket_id])
    except NoReverseMatch:
        path = f"/tickets/{ticket_id}/"
    return f"{settings.SITE_URL}{path}"


def _when(value: Any) -> str:
    if value is None:
        return ""
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def zone(name: str) -> tzinfo:
    """The named zone; the installation's for an empty or unknown name."""
    try:
        return zoneinfo.ZoneInfo(name) if name else timezone.get_default_timezone()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):  # a zone removed from tzdata since it was saved
        return timezone.get_default_timezone()


def _status_label(code: object) -> str:
    try:
        return str(TicketStatus(str(code)).label)
    except ValueError:
        return str(code or "")


def _priority_label(value: object) -> str:
    try:
        return str(Priority(int(str(value))).label)
    except ValueError:
        return str(value or "")


def actor_name(actor: User | None) -> str:
    if actor is None:
        return ""
    employee = getattr(actor, "employee", None)
    return employee.full_name if employee is not None else (actor.get_full_name() or actor.get_username())


def ticket_values(ticket: Ticket) -> dict[str, str]:
    return {
        "TICKET_NUMBER": str(ticket.number),
        "TICKET_SUBJECT": ticket.subject,
        "TICKET_DESCRIPTION": ticket.description,
        "TICKET_STATUS": _status_label(ticket.status),
        "TICKET_PRIORITY": str(ticket.get_priority_display()),
        "TICKET_TYPE": str(ticket.type),
        "TICKET_URL": ticket_url(ticket.pk),
        "TICKET_CREATED": _when(ticket.created_at),
        "REQUESTER_NAME": ticket.requester_display,
        "REQUESTER_EMAIL": ticket.requester_email,
        "RESPONSIBLE_NAME": str(ticket.responsible_employee or ""),
        "TEAM_NAME": str(ticket.responsible_team or ""),
        "SERVICE_NAME": str(ticket.service or ""),
        "AGREEMENT_NAME": str(ticket.agreement),
        "DEADLINE": _when(ticket.resolution_deadline),
    }


def _data_values(data: Mapping[str, Any], language: str = "") -> dict[str, str]:
    values: dict[str, str] = {}
    if "old" in data:
        values["OLD_STATUS"] = _status_label(data["old"])
    if "old_priority" in data:
        values["OLD_PRIORITY"] = _priority_label(data["old_priority"])
    comment = Comment.objects.filter(pk=data["comment_id"]).first() if data.get("comment_id") else None
    if comment is not None:
        values["COMMENT_TEXT"] = comment.body
        values["COMMENT_AUTHOR"] = comment.author_name or comment.author_email
    attachment = Attachment.objects.filter(pk=data["attachment_id"]).first() if data.get("attachment_id") else None
    if attachment is not None:
        values["ATTACHMENT_NAME"] = attachment.filename
    watcher = TicketWatcher.objects.filter(pk=data["watcher_id"]).first() if data.get("watcher_id") else None
    if watcher is not None:
        values["WATCHER_NAME"] = str(watcher)
    # Events raised through notify_event() hand their values over ready-made.
    # ... and values that depend on the language (durations, labels) once per language.
    localized = (data.get("localized") or {}).get("en" if language.startswith("en") else "ru") or {}
    # ... and instants, formatted here in the recipient's zone (build_values overrides it).
    for key, iso in (data.get("moments") or {}).items():
        if isinstance(key, str) and key.isupper() and isinstance(iso, str):
            values[key] = _when(datetime.fromisoformat(iso))
    for key, value in [*(data.get("context") or {}).items(), *localized.items()]:
        if isinstance(key, str) and key.isupper():
            values[key] = "" if value is None else str(value)
    return values


def build_values(
    *,
    ticket: Ticket | None,
    data: Mapping[str, Any],
    actor: User | None,
    language: str,
    time_zone: str = "",
) -> dict[str, str]:
    """Every value the event can offer, formatted in `language` (labels) and `time_zone` (dates;
    empty: the installation's)."""
    zone_ = zone(time_zone)
    with translation.override(language), timezone.override(zone_):
        values = ticket_values(ticket) if ticket is not None else {}
        values["ACTOR_NAME"] = actor_name(actor)
        values.update(_data_values(data, language))
    return values

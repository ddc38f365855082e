"""Reclassifying a ticket on its card: priority, type, service, agreement, subject, description.

One service function validates the combination (the type must be allowed for the service, the
agreement must cover the requester and the service), records each change in the history, emits one
event and, when a field the SLA depends on changed, recomputes both deadlines from the time
already spent.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .. import events
from ..models import Agreement, Priority, Service, Ticket, TicketHistory, TicketType, User
from . import sla
from .agreements import resolve_agreement
from .history import record
from .lifecycle import ensure_changeable
from .tickets import _check_type_for_service


class _Keep:
    """Marks an argument not given: the field keeps its value."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = _Keep()
SLA_FIELDS = ("type", "service", "agreement", "priority")


def reclassify_ticket(
    *,
    ticket: Ticket,
    actor: User | None,
    ticket_type: TicketType = KEEP,
    service: Service | None = KEEP,
    agreement: Agreement | None = KEEP,
    priority: int = KEEP,
    subject: str = KEEP,
    description: str = KEEP,
) -> Ticket:
    """Change the given fields; ValidationError (field-keyed) when the result is not allowed.

    `agreement=None` (or a service the current agreement does not cover) picks the requester's
    agreement for the service as registration would."""
    with transaction.atomic():
        locked = Ticket.objects.select_for_update(of=("self",)).select_related("agreement__schedule").get(pk=ticket.pk)
        ensure_changeable(locked)
        wanted = _wanted(locked, ticket_type, service, agreement, priority, subject, description)
        changed = {name: value for name, value in wanted.items() if _value(locked, name) != value}
        if not changed:
            return locked
        old = {name: _display(locked, name) for name in changed}
        for name, value in changed.items():
            setattr(locked, name, value)
        fields = [*changed, "updated_at"]
        if set(changed) & set(SLA_FIELDS):
            deadlines = {name: getattr(locked, name) for name in ("reaction_deadline", "resolution_deadline")}
            fields += sla.recompute_clocks(locked, timezone.now())
            for name, before in deadlines.items():
                if getattr(locked, name) != before:
                    old[name], changed[name] = _when(before), getattr(locked, name)
        locked.save(update_fields=fields)
        for name in old:
            record(locked, actor, TicketHistory.Kind.FIELD, name, str(old[name]), _display(locked, name))
        sla.deadlines_changed(sla.TICKETS, [locked])
        events.emit(
            events.DomainEvent(
                events.TICKET_RECLASSIFIED,
                locked.pk,
                actor.pk if actor else None,
                {"fields": sorted(old), "localized": _change_texts(old, locked)},
            )
        )
    ticket.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    ticket._state.fields_cache = dict(locked._state.fields_cache)  # related objects (agreement, service)
    return locked


def _wanted(
    ticket: Ticket,
    ticket_type: TicketType,
    service: Service | None,
    agreement: Agreement | None,
    priority: int,
    subject: str,
    description: str,
) -> dict[str, Any]:
    new_type = ticket.type if ticket_type is KEEP else ticket_type
    new_service = ticket.service if service is KEEP else service
    wanted: dict[str, Any] = {"type": new_type, "service": new_service}
    if priority is not KEEP:
        if int(priority) not in Priority.values:
            raise ValidationError({"priority": _("Choose a priority from the list.")})
        wanted["priority"] = int(priority)
    if subject is not KEEP:
        subject = " ".join(subject.split())[:500]
        if not subject:
            raise ValidationError({"subject": _("A subject is required.")})
        wanted["subject"] = subject
    if description is not KEEP:
        wanted["description"] = description
    _check_type_for_service(new_type, new_service)
    wanted["agreement"] = _agreement(ticket, new_service, agreement)
    return wanted


def _agreement(ticket: Ticket, service: Service | None, agreement: Agreement | None) -> Agreement:
    if agreement is KEEP:
        if service is None or ticket.agreement.services.filter(pk=service.pk).exists():
            return ticket.agreement
        agreement = None  # the current agreement does not provide the new service: choose again
    return resolve_agreement(
        service=service, agreement=agreement, employee=ticket.requester_employee, contact=ticket.requester_contact
    )


def _value(ticket: Ticket, name: str) -> Any:
    return getattr(ticket, name)


def _display(ticket: Ticket, name: str) -> str:
    if name == "priority":
        return str(Priority(ticket.priority).label)
    if name in ("reaction_deadline", "resolution_deadline"):
        return _when(getattr(ticket, name))
    value = getattr(ticket, name)
    return "" if value is None else str(value)[:500]


def _when(value: Any) -> str:
    return formats.date_format(timezone.localtime(value), "d.m.Y H:i") if value is not None else "—"


def _change_texts(old: dict[str, Any], ticket: Ticket) -> dict[str, dict[str, str]]:
    """CHANGED_FIELDS for the notification templates, in each language."""
    texts = {}
    for language in ("ru", "en"):
        with translation.override(language):
            lines = [
                f"{capfirst(_label(name))}: {old[name] or '—'} → {_display(ticket, name) or '—'}"
                for name in sorted(old)
                if name != "description"
            ]
            if "description" in old:
                lines.append(str(_("description changed")))
            texts[language] = {"CHANGED_FIELDS": "; ".join(lines)}
    return texts


def _label(name: str) -> str:
    field = Ticket._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))

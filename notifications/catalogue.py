"""The catalogue of events that event actions can react to, and the placeholders each one offers.

The catalogue is open: another app registers its own events from its AppConfig.ready() with
`register_event()` (the escalation and telephony apps do), and its own groups with `register_group()`.
A placeholder is a bare UPPER_SNAKE name; an event declares in code which names its templates may
use, and the renderer substitutes exactly those (see `notifications.renderer`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# --- Event groups: the unit an employee mutes a channel for --------------------------------
GROUP_TICKETS = "tickets"
GROUP_ASSIGNMENT = "assignment"
GROUP_CONVERSATION = "conversation"
GROUP_MAIL = "mail"

_groups: dict[str, Promise | str] = {
    GROUP_TICKETS: _("Registration and lifecycle of tickets"),
    GROUP_ASSIGNMENT: _("Assignment and watchers"),
    GROUP_CONVERSATION: _("Comments and attachments"),
    GROUP_MAIL: _("Mail connections"),
}

# --- Placeholders ------------------------------------------------------------------------------
PLACEHOLDER_LABELS: dict[str, Promise | str] = {
    "TICKET_NUMBER": _("Ticket number"),
    "TICKET_SUBJECT": _("Ticket subject"),
    "TICKET_DESCRIPTION": _("Ticket description"),
    "TICKET_STATUS": _("Current status"),
    "TICKET_PRIORITY": _("Priority"),
    "TICKET_TYPE": _("Ticket type"),
    "TICKET_URL": _("Link to the ticket"),
    "TICKET_CREATED": _("Registration date and time"),
    "REQUESTER_NAME": _("Requester"),
    "REQUESTER_EMAIL": _("Requester e-mail"),
    "RESPONSIBLE_NAME": _("Responsible employee"),
    "TEAM_NAME": _("Responsible team"),
    "SERVICE_NAME": _("Service"),
    "AGREEMENT_NAME": _("Agreement"),
    "DEADLINE": _("Resolution deadline"),
    "ACTOR_NAME": _("Who made the change"),
    "RECIPIENT_NAME": _("Recipient"),
    "OLD_STATUS": _("Previous status"),
    "OLD_PRIORITY": _("Previous priority"),
    "COMMENT_TEXT": _("Comment text"),
    "COMMENT_AUTHOR": _("Comment author"),
    "ATTACHMENT_NAME": _("Attachment file name"),
    "WATCHER_NAME": _("Added watcher"),
    "MAIL_CONNECTION": _("Mail connection"),
    "MAIL_ERROR": _("Error message"),
    "MAIL_FROM": _("Sender of the message"),
    "MAIL_SUBJECT": _("Subject of the message"),
}

TICKET_PLACEHOLDERS = (
    "TICKET_NUMBER",
    "TICKET_SUBJECT",
    "TICKET_DESCRIPTION",
    "TICKET_STATUS",
    "TICKET_PRIORITY",
    "TICKET_TYPE",
    "TICKET_URL",
    "TICKET_CREATED",
    "REQUESTER_NAME",
    "REQUESTER_EMAIL",
    "RESPONSIBLE_NAME",
    "TEAM_NAME",
    "SERVICE_NAME",
    "AGREEMENT_NAME",
    "DEADLINE",
    "ACTOR_NAME",
    "RECIPIENT_NAME",
)
COMMENT_PLACEHOLDERS = ("COMMENT_TEXT", "COMMENT_AUTHOR")


@dataclass(frozen=True)
class EventSpec:
    """One kind of event. `placeholders` are the only names its templates may use."""

    code: str
    label: Promise | str
    group: str
    placeholders: tuple[str, ...]
    ticket_bound: bool = True


_events: dict[str, EventSpec] = {}


def register_group(code: str, label: Promise | str) -> None:
    _groups[code] = label


def register_event(spec: EventSpec, placeholder_labels: Mapping[str, Promise | str] | None = None) -> EventSpec:
    """Add (or replace) an event; new placeholder names come with their labels for the editor."""
    if spec.group not in _groups:
        raise ValueError(f"unknown event group {spec.group!r}; register_group() it first")
    for name, label in (placeholder_labels or {}).items():
        PLACEHOLDER_LABELS[name] = label
    missing = [name for name in spec.placeholders if name not in PLACEHOLDER_LABELS]
    if missing:
        raise ValueError(f"placeholders without a label: {missing}")
    _events[spec.code] = spec
    return spec


def get_event(code: str) -> EventSpec | None:
    return _events.get(code)


def all_events() -> list[EventSpec]:
    return list(_events.values())


def event_choices() -> list[tuple[str, Promise | str]]:
    return [(spec.code, spec.label) for spec in _events.values()]


def group_choices() -> list[tuple[str, Promise | str]]:
    return list(_groups.items())


def group_label(code: str) -> Promise | str:
    return _groups.get(code, code)


def placeholders_for(code: str) -> dict[str, Promise | str]:
    """Name → label of the placeholders the event offers, in declaration order."""
    spec = _events.get(code)
    return {name: PLACEHOLDER_LABELS[name] for name in spec.placeholders} if spec else {}


def known_placeholder_names() -> frozenset[str]:
    """Every name some event offers: such a word in another event's template is an error, not text."""
    return frozenset(PLACEHOLDER_LABELS)


# --- The events of this product ------------------------------------------------------------------
TICKET_REGISTERED_OPERATOR = "ticket.registered.operator"
TICKET_REGISTERED_EMAIL = "ticket.registered.email"
TICKET_REGISTERED_CLIENT = "ticket.registered.client"
TICKET_STATUS_CHANGED = "ticket.status_changed"
TICKET_PRIORITY_CHANGED = "ticket.priority_changed"
TICKET_ASSIGNED = "ticket.assigned"
COMMENT_PUBLIC = "comment.public"
COMMENT_PRIVATE = "comment.private"
ATTACHMENT_ADDED = "attachment.added"
TICKET_RESOLVED = "ticket.resolved"
TICKET_CLOSED = "ticket.closed"
TICKET_RESUMED = "ticket.resumed"
REQUESTER_REPLIED = "requester.replied"
WATCHER_ADDED = "watcher.added"
MAIL_CONNECTION_FAILING = "mail.connection_failing"
MAIL_UNPROCESSABLE = "mail.unprocessable"


def _ticket(*extra: str) -> tuple[str, ...]:
    return TICKET_PLACEHOLDERS + extra


def _register_builtin(specs: Iterable[EventSpec]) -> None:
    for spec in specs:
        register_event(spec)


_register_builtin(
    [
        EventSpec(TICKET_REGISTERED_OPERATOR, _("Ticket registered by an operator"), GROUP_TICKETS, _ticket()),
        EventSpec(TICKET_REGISTERED_EMAIL, _("Ticket registered from an e-mail"), GROUP_TICKETS, _ticket()),
        EventSpec(TICKET_REGISTERED_CLIENT, _("Ticket registered by a client"), GROUP_TICKETS, _ticket()),
        EventSpec(TICKET_STATUS_CHANGED, _("Ticket status changed"), GROUP_TICKETS, _ticket("OLD_STATUS")),
        EventSpec(TICKET_PRIORITY_CHANGED, _("Ticket priority changed"), GROUP_TICKETS, _ticket("OLD_PRIORITY")),
        EventSpec(TICKET_ASSIGNED, _("Responsible or team assigned"), GROUP_ASSIGNMENT, _ticket()),
        EventSpec(COMMENT_PUBLIC, _("Public comment added"), GROUP_CONVERSATION, _ticket(*COMMENT_PLACEHOLDERS)),
        EventSpec(COMMENT_PRIVATE, _("Private comment added"), GROUP_CONVERSATION, _ticket(*COMMENT_PLACEHOLDERS)),
        EventSpec(ATTACHMENT_ADDED, _("Attachment added"), GROUP_CONVERSATION, _ticket("ATTACHMENT_NAME")),
        EventSpec(TICKET_RESOLVED, _("Ticket resolved"), GROUP_TICKETS, _ticket("OLD_STATUS")),
        EventSpec(TICKET_CLOSED, _("Ticket closed"), GROUP_TICKETS, _ticket("OLD_STATUS")),
        EventSpec(TICKET_RESUMED, _("Ticket resumed"), GROUP_TICKETS, _ticket("OLD_STATUS")),
        EventSpec(REQUESTER_REPLIED, _("Requester replied"), GROUP_CONVERSATION, _ticket(*COMMENT_PLACEHOLDERS)),
        EventSpec(WATCHER_ADDED, _("Watcher added"), GROUP_ASSIGNMENT, _ticket("WATCHER_NAME")),
        EventSpec(
            MAIL_CONNECTION_FAILING,
            _("Mail connection failing"),
            GROUP_MAIL,
            ("MAIL_CONNECTION", "MAIL_ERROR", "RECIPIENT_NAME"),
            ticket_bound=False,
        ),
        EventSpec(
            MAIL_UNPROCESSABLE,
            _("Mail that could not be processed"),
            GROUP_MAIL,
            ("MAIL_CONNECTION", "MAIL_ERROR", "MAIL_FROM", "MAIL_SUBJECT", "RECIPIENT_NAME"),
            ticket_bound=False,
        ),
    ]
)

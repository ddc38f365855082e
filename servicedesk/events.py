"""Domain events: what happened to a ticket, announced after the transaction commits.

Service functions call `emit()`; other apps (notifications, escalation) `subscribe()` handlers at
start-up (in their AppConfig.ready). Handlers run after commit, so they never see rolled-back
changes; they should be quick (enqueue a Celery task) and must not raise: one failing handler is
logged and the others still run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)

TICKET_CREATED = "ticket.created"
TICKET_STATUS_CHANGED = "ticket.status_changed"
TICKET_ASSIGNED = "ticket.assigned"
TICKET_UPDATED = "ticket.updated"
COMMENT_ADDED = "ticket.comment_added"
ATTACHMENT_ADDED = "ticket.attachment_added"
WATCHER_ADDED = "ticket.watcher_added"


@dataclass(frozen=True)
class DomainEvent:
    """One fact. `data` holds JSON-safe values only (ids, codes, strings)."""

    name: str
    ticket_id: int | None = None
    actor_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)


Handler = Callable[[DomainEvent], None]
_handlers: list[Handler] = []


def subscribe(handler: Handler) -> Handler:
    """Register a handler for every event (filter by `event.name` inside). Usable as a decorator."""
    if handler not in _handlers:
        _handlers.append(handler)
    return handler


def unsubscribe(handler: Handler) -> None:
    if handler in _handlers:
        _handlers.remove(handler)


def emit(event: DomainEvent) -> None:
    """Dispatch `event` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: dispatch(event))


def dispatch(event: DomainEvent) -> None:
    for handler in list(_handlers):
        try:
            handler(event)
        except Exception:  # a handler's failure must not undo or block the others
            log.exception("event handler %r failed for %s", handler, event.name)

"""Domain events: what happened to a ticket, announced after the transaction commits.

Service functions call `emit()`; other apps (notifications, escalation) `subscribe()` handlers at
start-up (in their AppConfig.ready). Handlers run after commit, so they never see rolled-back
changes; they should be quick (enqueue a Celery task) and must not raise: one failing handler is
logged and the others still run.

Bulk work (mail intake files dozens of tickets per commit) runs inside `collected()`: events of
the transactions committed in that block are handed over together when it ends, so a handler
subscribed with `subscribe_many` pays its fixed cost (a query, a task) once per batch, not per event.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)

TICKET_CREATED = "ticket.created"
TICKET_STATUS_CHANGED = "ticket.status_changed"
TICKET_PRIORITY_CHANGED = "ticket.priority_changed"
TICKET_ASSIGNED = "ticket.assigned"
COMMENT_ADDED = "ticket.comment_added"
ATTACHMENT_ADDED = "ticket.attachment_added"
WATCHER_ADDED = "ticket.watcher_added"
TICKET_RECLASSIFIED = "ticket.reclassified"
TASK_ASSIGNED = "task.assigned"
TASK_FINISHED = "task.finished"
APPROVAL_REQUESTED = "approval.requested"
APPROVAL_DECIDED = "approval.decided"


@dataclass(frozen=True)
class DomainEvent:
    """One fact. `data` holds JSON-safe values only (ids, codes, strings)."""

    name: str
    ticket_id: int | None = None
    actor_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)


Handler = Callable[[DomainEvent], None]
BatchHandler = Callable[[list[DomainEvent]], None]
_handlers: list[Handler] = []
_batch_handlers: list[BatchHandler] = []
# Per thread: the events held back by an open `collected()` block (None when none is open).
_state = threading.local()


def subscribe(handler: Handler) -> Handler:
    """Register a handler for every event (filter by `event.name` inside). Usable as a decorator."""
    if handler not in _handlers:
        _handlers.append(handler)
    return handler


def subscribe_many(handler: BatchHandler) -> BatchHandler:
    """Register a handler that receives a list of committed events (one or more, in order)."""
    if handler not in _batch_handlers:
        _batch_handlers.append(handler)
    return handler


def unsubscribe(handler: Handler | BatchHandler) -> None:
    for registry in (_handlers, _batch_handlers):
        if handler in registry:
            registry.remove(handler)  # type: ignore[arg-type]


def emit(event: DomainEvent) -> None:
    """Dispatch `event` once the current transaction commits (at once outside a transaction).

    One on-commit callback per event, so an event emitted inside a savepoint that is rolled
    back is dropped with it (Django discards that savepoint's callbacks)."""
    transaction.on_commit(lambda: dispatch(event))


@contextmanager
def collected() -> Iterator[None]:
    """Hold back the events committed inside the block and dispatch them together when it ends.

    Events of a transaction still open when the block ends (an outer atomic block) are not held:
    they are dispatched when that transaction commits, as usual. Nested blocks join the outer one.
    """
    if getattr(_state, "pending", None) is not None:
        yield
        return
    _state.pending = []
    try:
        yield
    finally:
        pending, _state.pending = _state.pending, None
        if pending:
            dispatch_many(pending)


def dispatch(event: DomainEvent) -> None:
    pending = getattr(_state, "pending", None)
    if pending is not None:
        pending.append(event)
        return
    dispatch_many([event])


def dispatch_many(batch: list[DomainEvent]) -> None:
    """Hand committed events to every handler; a handler's failure is logged, the others still run."""
    for handler in list(_batch_handlers):
        try:
            handler(list(batch))
        except Exception:  # a handler's failure must not undo or block the others
            log.exception("event handler %r failed for %d events", handler, len(batch))
    for single in list(_handlers):
        for event in batch:
            try:
                single(event)
            except Exception:  # a handler's failure must not undo or block the others
                log.exception("event handler %r failed for %s", single, event.name)

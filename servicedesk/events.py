"""Domain events: what happened to a ticket, journaled in its transaction and announced after commit.

Service functions call `emit()`; other apps subscribe handlers at start-up (in their
AppConfig.ready), of two kinds:

- journal handlers (`subscribe_journal`) run inside the emitter's transaction and write the durable
  rows the event causes (the notification journal): the rows commit with the change or not at all,
  so nothing depends on a broker or a process being alive after the commit (a transactional outbox).
  A journal handler failing fails the change, like any other write of it.
- after-commit handlers (`subscribe`, `subscribe_many`) never see rolled-back changes; they should be
  quick (a wake-up on Redis) and must not raise: one failing handler is logged, the others still run.

Bulk work (mail intake files dozens of tickets per commit) runs inside `collected()`: events of
the transactions committed in that block are handed over together when it ends, so a handler
subscribed with `subscribe_many` pays its fixed cost (a query, a task) once per batch, not per event.
Inside such a transaction `journaled()` does the same for the journal handlers: the events emitted
in the block are journaled together when it ends, still before the commit, except those whose
savepoint was rolled back meanwhile.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

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
_journal_handlers: list[BatchHandler] = []
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


def subscribe_journal(handler: BatchHandler) -> BatchHandler:
    """Register a handler that writes rows for events in the emitter's transaction (see above)."""
    if handler not in _journal_handlers:
        _journal_handlers.append(handler)
    return handler


def unsubscribe(handler: Handler | BatchHandler) -> None:
    for registry in (_handlers, _batch_handlers, _journal_handlers):
        if handler in registry:
            registry.remove(handler)  # type: ignore[arg-type]


class _Dispatch:
    """The on-commit callback of one event; `journaled()` finds its block's survivors by identity."""

    __slots__ = ("event",)

    def __init__(self, event: DomainEvent) -> None:
        self.event = event

    def __call__(self) -> None:
        dispatch(self.event)


def emit(event: DomainEvent) -> None:
    """Journal `event` now, in the current transaction (at the end of an open `journaled()` block),
    and dispatch it to the after-commit handlers once the transaction commits.

    One on-commit callback per event, so an event emitted inside a savepoint that is rolled
    back is dropped with it (Django discards that savepoint's callbacks, and its journal rows
    are rolled back with the savepoint)."""
    callback = _Dispatch(event)
    pending = getattr(_state, "journal", None)
    if pending is not None and connection.in_atomic_block:
        pending.append(callback)
    else:
        _journal([event])
    transaction.on_commit(callback)


def _journal(batch: list[DomainEvent]) -> None:
    for handler in list(_journal_handlers):
        handler(list(batch))


@contextmanager
def journaled() -> Iterator[None]:
    """Journal the events emitted in the block together when it ends (inside the transaction).

    Use it inside `transaction.atomic()` around bulk work: the journal handlers pay their fixed
    cost once. Events of savepoints rolled back in the block are left out: what remains in the
    connection's on-commit list is exactly what will commit. An exception skips the journal (the
    transaction is being rolled back). Nested blocks join the outer one.
    """
    if getattr(_state, "journal", None) is not None:
        yield
        return
    _state.journal = []
    try:
        yield
    except BaseException:
        _state.journal = None
        raise
    pending, _state.journal = _state.journal, None
    if pending:
        alive = {id(item[1]) for item in connection.run_on_commit}
        survivors = [callback.event for callback in pending if id(callback) in alive]
        if survivors:
            _journal(survivors)


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

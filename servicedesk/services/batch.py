"""Filing many tickets and comments in one transaction (mail intake): shared lookups, one INSERT of history.

The caller runs every item inside `batch.item()`, which makes the batch current for the code it
runs (a context variable, so threads and tasks never see another's batch). `create_ticket` and
`add_comment` consult `current_batch()`: inside an item they resolve each (service, requester,
agreement) combination once, check a ticket type against a service once, and queue their
history rows instead of inserting them one by one. The item is a savepoint (a failed item takes
its queued rows with it); the caller calls `flush()` before its transaction commits. Outside an
item the services behave as they always do, so the core ticket API carries no batch parameter.

A savepoint costs two round trips per item. A batch made with `savepoints=False` runs the items
without them and turns an item's failure into `SavepointNeeded`: the caller then rolls the
whole transaction back and runs the batch again with savepoints, so the failure costs only its
item. That pays when failures are rare, as in mail intake.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

from ..models import Agreement, Contact, Employee, Service, Ticket, TicketHistory, TicketType, User
from .agreements import resolve_agreement
from .history import actor_label

Key = tuple[int | None, ...]


def _pk(obj: object | None) -> int | None:
    return getattr(obj, "pk", None)


_current: ContextVar[TicketBatch | None] = ContextVar("ticket_batch", default=None)


def current_batch() -> TicketBatch | None:
    """The batch whose `item()` is running in this context, if any."""
    return _current.get()


class SavepointNeeded(Exception):
    """An item failed in a batch without savepoints; its writes can only go with the whole transaction."""


class TicketBatch:
    def __init__(self, *, savepoints: bool = True) -> None:
        self.savepoints = savepoints
        self._agreements: dict[Key, Agreement] = {}
        self._type_checked: set[Key] = set()
        self._history: list[TicketHistory] = []

    def resolve_agreement(
        self,
        *,
        service: Service | None,
        employee: Employee | None,
        contact: Contact | None,
        agreement: Agreement | None,
    ) -> Agreement:
        """`resolve_agreement`, remembered per combination (a refusal is not remembered: it raises)."""
        key = (_pk(service), _pk(employee), _pk(contact), _pk(agreement))
        found = self._agreements.get(key)
        if found is None:
            found = resolve_agreement(service=service, employee=employee, contact=contact, agreement=agreement)
            _ = found.schedule  # load it once here rather than per ticket when deadlines are computed
            self._agreements[key] = found
        return found

    def type_checked(self, ticket_type: TicketType, service: Service) -> bool:
        return (ticket_type.pk, service.pk) in self._type_checked

    def mark_type_checked(self, ticket_type: TicketType, service: Service) -> None:
        self._type_checked.add((ticket_type.pk, service.pk))

    def record(
        self, ticket: Ticket, actor: User | None, kind: str, field: str = "", old_value: str = "", new_value: str = ""
    ) -> TicketHistory:
        row = TicketHistory(
            ticket=ticket,
            actor=actor,
            actor_name=actor_label(actor),
            kind=kind,
            field=field,
            old_value=old_value,
            new_value=new_value,
        )
        self._history.append(row)
        return row

    @contextmanager
    def item(self) -> Iterator[None]:
        """One item, with this batch current; its savepoint, rolled back, drops the history rows
        the item queued."""
        token = _current.set(self)
        try:
            with self._savepoint():
                yield
        finally:
            _current.reset(token)

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        mark = len(self._history)
        if not self.savepoints:
            try:
                yield
            except Exception as exc:
                raise SavepointNeeded(f"{type(exc).__name__}: {exc}") from exc
            return
        try:
            with transaction.atomic():
                yield
        except BaseException:
            del self._history[mark:]
            raise

    def flush(self) -> None:
        """Insert the queued history rows; call inside the transaction, before it commits."""
        rows, self._history = self._history, []
        if rows:
            TicketHistory.objects.bulk_create(rows)

"""Inbound mail: from a mailbox on a server to tickets and comments, exactly once.

Polling under a per-mailbox lease (`polling`), IMAP IDLE watchers (`idle`), intake rules that
turn one parsed message into a ticket, a comment, a bounce record or nothing (`intake`, with the
per-chunk lookups in `lookups`), the ledger and raw storage (`ledger`), the "Reprocess" action
(`reprocess`) and the Celery tasks (`tasks`). Imports point down only: the outbox is not needed
(a bounce marks outbox rows through the model), connections, protocols, parsing, models, and the
core ticket services of `servicedesk`.

Public API (import from `mailconf.inbound`):

- `poll_connection(connection_id, batch=None) -> PollCounts | None`: process what waits in one
  mailbox (None: another worker holds its lease); transport failures become the mailbox's status.
- `poll_all(names=None) -> PollCounts`, `due_connections() -> list[int]`: for commands and beat.
- `IdleWatcher(connection_id, trigger=...)`, `idle_connection_ids()`: near-instant intake over IDLE.
- `reprocess(entry) -> ProcessedMessage`: run intake again on a mail log entry (idempotent).
- `process_raw(connection, entry, raw)`: parse and act on one message inside a transaction.
"""

from __future__ import annotations

from .idle import IdleWatcher, idle_connection_ids
from .intake import process_raw
from .polling import PollCounts, due_connections, poll_all, poll_connection
from .reprocess import reprocess

__all__ = [
    "IdleWatcher",
    "PollCounts",
    "due_connections",
    "idle_connection_ids",
    "poll_all",
    "poll_connection",
    "process_raw",
    "reprocess",
]

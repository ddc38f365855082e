"""The mail app's Celery tasks, for autodiscovery (`<app>.tasks`); each lives with its subpackage."""

from __future__ import annotations

from .inbound.tasks import poll_connection, poll_due_connections
from .outbox.tasks import deliver_outbox, prune_outbox

__all__ = ["deliver_outbox", "poll_connection", "poll_due_connections", "prune_outbox"]

"""Celery tasks of incoming mail (mailconf/tasks.py names them for autodiscovery).

`poll_connection` is acks_late with reject_on_worker_lost: a worker killed mid-poll gets the task
redelivered, and the redelivery simply polls again. That is safe because the poll is idempotent
(the ledger) and serialised per connection (the lease), so at worst it finds nothing to do.
"""

from __future__ import annotations

from celery import shared_task

from . import polling


@shared_task(name="mailconf.poll_connection", ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def poll_connection(connection_id: int) -> None:
    polling.poll_connection(connection_id)


@shared_task(name="mailconf.poll_due_connections", ignore_result=True, acks_late=False)
def poll_due_connections() -> int:
    """Scheduled by beat every few seconds: enqueue one poll per connection whose time has come."""
    due = polling.due_connections()
    for pk in due:
        poll_connection.delay(pk)
    return len(due)

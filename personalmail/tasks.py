"""Celery tasks of personal mail: each takes an id and calls one service."""

from __future__ import annotations

from celery import shared_task

from .services import compose, sync


@shared_task(name="personalmail.sync_mailbox", ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def sync_mailbox(mailbox_id: int, folder_id: int | None = None) -> None:
    sync.sync_mailbox(mailbox_id, folder_id=folder_id)


@shared_task(name="personalmail.sync_due_mailboxes", ignore_result=True)
def sync_due_mailboxes() -> int:
    """Beat's polling fallback: every mailbox not held by an IDLE watcher and past its backoff."""
    due = sync.due_mailboxes()
    for pk in due:
        sync_mailbox.delay(pk)
    return len(due)


@shared_task(name="personalmail.deliver_sent_mail", ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def deliver_sent_mail(sent_ids: list[int] | None = None) -> int:
    """Kicked after the commit that queued the rows; beat calls it without ids as the sweeper."""
    return compose.deliver_pending(sent_ids)

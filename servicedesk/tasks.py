"""Celery tasks of the core: thin wrappers that call one service function."""

from __future__ import annotations

from celery import shared_task

from .services.heartbeat import WORKER, record_heartbeat


@shared_task(name="servicedesk.heartbeat", ignore_result=True, acks_late=False)
def heartbeat() -> None:
    """Scheduled by beat; running it proves a worker consumes the queue."""
    record_heartbeat(WORKER)


@shared_task(name="servicedesk.check_import", ignore_result=True)
def check_import_task(job_id: int) -> None:
    from .services.imports import check_import

    check_import(job_id=job_id)


@shared_task(name="servicedesk.run_import", ignore_result=True)
def run_import_task(job_id: int) -> None:
    from .services.imports import run_import

    run_import(job_id=job_id)


@shared_task(name="servicedesk.resume_imports", ignore_result=True)
def resume_imports_task() -> None:
    from .services.imports import resume_imports

    resume_imports()


@shared_task(name="servicedesk.run_ldap_sync", ignore_result=True)
def run_ldap_sync_task(connection_id: int, trigger: str = "manual") -> None:
    from .services.directory import run_ldap_sync

    run_ldap_sync(connection_id=connection_id, trigger=trigger)


@shared_task(name="servicedesk.start_due_ldap_syncs", ignore_result=True)
def start_due_ldap_syncs_task() -> None:
    from .services.directory import start_due_syncs

    start_due_syncs()

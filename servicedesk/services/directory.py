"""LDAP connections: check, run a sync (now or on schedule), keep the log of runs.

A run claims its connection with a lease (`running_until`), so "Run now" pressed during a scheduled
run, or two beat-driven workers, never sync the same connection twice at once; a worker that dies
mid-run lets the lease pass and the next due check starts over (the writing is one transaction).
"""

from __future__ import annotations

import datetime
import logging
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..ldap_sync import client as ldap_client
from ..ldap_sync.sync import SyncResult, apply_directory, read_directory
from ..models import LdapConnection, LdapSyncRun, SyncStatus, SyncTrigger

log = logging.getLogger(__name__)

LEASE = datetime.timedelta(minutes=30)


def check_ldap_connection(*, connection: LdapConnection) -> ldap_client.DirectoryError | None:
    """Bind and count the entries the filters find; the outcome is stored on the connection."""
    now = timezone.now()
    error: ldap_client.DirectoryError | None = None
    try:
        client = ldap_client.connect(connection)
        try:
            people = ldap_client.count_entries(client, connection.base_dn, connection.user_filter)
            units = (
                ldap_client.count_entries(client, connection.base_dn, connection.department_filter)
                if connection.department_filter.strip()
                else 0
            )
        finally:
            client.unbind()
    except ldap_client.DirectoryError as exc:
        error = exc
    fields = {"check_status": "error" if error else "success", "last_checked_at": now}
    fields["last_error"] = error.message if error else ""
    if error is None:
        fields["last_success_at"] = now
        connection.found_people, connection.found_units = people, units  # type: ignore[attr-defined]
    LdapConnection.objects.filter(pk=connection.pk).update(**fields)
    for name, value in fields.items():
        setattr(connection, name, value)
    return error


def _claim(connection_id: int) -> bool:
    now = timezone.now()
    return bool(
        LdapConnection.objects.filter(pk=connection_id)
        .filter(Q(running_until=None) | Q(running_until__lt=now))
        .update(running_until=now + LEASE)
    )


def run_ldap_sync(*, connection_id: int, trigger: str = SyncTrigger.MANUAL) -> LdapSyncRun | None:
    """One sync run with its log row; None when another run of this connection holds the lease."""
    if not _claim(connection_id):
        return None
    connection = LdapConnection.objects.get(pk=connection_id)
    run = LdapSyncRun.objects.create(connection=connection, trigger=trigger)
    try:
        result = _sync(connection)
    except ldap_client.DirectoryError as exc:
        result = SyncResult()
        result.note(f"error: {exc.message}", error=True)
        _finish(run, result, SyncStatus.FAILED)
        _record_connection_state(connection, exc.message)
        return run
    except Exception as exc:  # the run's log must say what happened even for a bug
        log.exception("LDAP sync of connection %s failed", connection_id)
        result = SyncResult()
        result.note(f"error: {type(exc).__name__}: {exc}", error=True)
        _finish(run, result, SyncStatus.FAILED)
        LdapConnection.objects.filter(pk=connection_id).update(running_until=None)
        return run
    _finish(run, result, SyncStatus.PARTIAL if result.errors else SyncStatus.SUCCESS)
    _record_connection_state(connection, "")
    return run


def _sync(connection: LdapConnection) -> SyncResult:
    units, people = read_directory(connection)
    result = apply_directory(connection, units, people)
    result.lines.insert(0, f"read {len(units)} department entries and {len(people)} user entries")
    return result


def _finish(run: LdapSyncRun, result: SyncResult, status: str) -> None:
    for name in (
        "departments_created",
        "departments_updated",
        "created",
        "updated",
        "unchanged",
        "deactivated",
        "errors",
    ):
        setattr(run, name, getattr(result, name))
    run.log = "\n".join(result.lines)
    run.status = status
    run.finished_at = timezone.now()
    run.save()


def _record_connection_state(connection: LdapConnection, error: str) -> None:
    now = timezone.now()
    fields: dict[str, object] = {"running_until": None, "last_checked_at": now, "last_error": error}
    fields["check_status"] = "error" if error else "success"
    if not error:
        fields["last_success_at"] = now
    LdapConnection.objects.filter(pk=connection.pk).update(**fields)


def next_run_after(connection: LdapConnection, after: datetime.datetime) -> datetime.datetime | None:
    """The next daily run time after `after`, in the installation's time zone."""
    if not connection.schedule_enabled:
        return None
    zone = ZoneInfo(settings.TIME_ZONE)
    local = after.astimezone(zone)
    candidate = datetime.datetime.combine(local.date(), connection.schedule_time, tzinfo=zone)
    if candidate <= local:
        candidate = datetime.datetime.combine(
            local.date() + datetime.timedelta(days=1), connection.schedule_time, tzinfo=zone
        )
    return candidate


def connection_saved(connection: LdapConnection) -> None:
    """Recompute the next scheduled run after the card was saved."""
    next_at = next_run_after(connection, timezone.now()) if connection.enabled else None
    LdapConnection.objects.filter(pk=connection.pk).update(next_run_at=next_at)
    connection.next_run_at = next_at


def start_due_syncs() -> list[int]:
    """Called by beat every minute: move each due connection's next run a day on and start a sync
    for it. Rows are claimed with SKIP LOCKED, so several beat-driven workers start each run once."""
    from ..labels import is_enabled
    from ..tasks import run_ldap_sync_task

    if not is_enabled("directory_sync"):
        return []
    now = timezone.now()
    started: list[int] = []
    with transaction.atomic():
        due = (
            LdapConnection.objects.select_for_update(skip_locked=True)
            .filter(enabled=True, schedule_enabled=True, next_run_at__lte=now)
            .order_by("next_run_at")
        )
        for connection in due:
            connection.next_run_at = next_run_after(connection, now)
            connection.save(update_fields=["next_run_at"])
            started.append(connection.pk)
            transaction.on_commit(partial(run_ldap_sync_task.delay, connection.pk, SyncTrigger.SCHEDULE), robust=True)
    return started


def start_sync_now(*, connection: LdapConnection) -> None:
    from ..tasks import run_ldap_sync_task

    transaction.on_commit(lambda: run_ldap_sync_task.delay(connection.pk, SyncTrigger.MANUAL), robust=True)

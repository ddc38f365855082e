"""The schedule: a connection set to run daily at 01:00 is started by the beat task once its time has
come (once, even with two workers), its next run moves a day on, and a module switched off stops it."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from servicedesk.models import LdapConnection, LdapSyncRun, SyncTrigger
from servicedesk.services.directory import connection_saved, next_run_after, start_due_syncs
from servicedesk.services.labels import switch_module
from servicedesk.testing.ldapserver import AdEntry, Slapd

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=ZoneInfo(settings.TIME_ZONE))


def test_next_run_is_the_coming_01_00_local_time() -> None:
    connection = LdapConnection(schedule_enabled=True, schedule_time=datetime.time(1, 0))
    assert next_run_after(connection, at(10, 0, 30)) == at(10, 1)
    assert next_run_after(connection, at(10, 1)) == at(11, 1)
    assert next_run_after(connection, at(10, 23)) == at(11, 1)
    assert next_run_after(LdapConnection(schedule_enabled=False), at(10, 0)) is None


def test_beat_starts_the_due_run_once(directory: Slapd, ldap_connection, django_capture_on_commit_callbacks) -> None:
    directory.add_user(AdEntry("nightly", "Ночной", ou="Офис"))
    with time_machine.travel(at(10, 18), tick=False):
        connection = ldap_connection(schedule_enabled=True)
        connection_saved(connection)
        assert connection.next_run_at == at(11, 1)
        assert start_due_syncs() == []  # not yet
    with time_machine.travel(at(11, 1, 0), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert start_due_syncs() == [connection.pk]
        assert start_due_syncs() == []  # the next run moved a day on: a second worker finds nothing
    run = LdapSyncRun.objects.get(connection=connection)
    assert run.trigger == SyncTrigger.SCHEDULE and run.created == 1, run.log
    connection.refresh_from_db()
    assert connection.next_run_at == at(12, 1)


def test_a_switched_off_module_runs_no_schedule(ldap_connection) -> None:
    connection = ldap_connection(schedule_enabled=True)
    LdapConnection.objects.filter(pk=connection.pk).update(next_run_at=at(1, 1))
    switch_module(code="directory_sync", enabled=False, actor=None)
    assert start_due_syncs() == []
    switch_module(code="directory_sync", enabled=True, actor=None)
    assert start_due_syncs() == [connection.pk]


def test_a_running_sync_holds_its_lease(ldap_connection) -> None:
    from django.utils import timezone

    from servicedesk.services.directory import run_ldap_sync

    connection = ldap_connection()
    LdapConnection.objects.filter(pk=connection.pk).update(running_until=timezone.now() + datetime.timedelta(minutes=5))
    assert run_ldap_sync(connection_id=connection.pk) is None
    LdapConnection.objects.filter(pk=connection.pk).update(running_until=timezone.now() - datetime.timedelta(seconds=1))
    assert run_ldap_sync(connection_id=connection.pk) is not None

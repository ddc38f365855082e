"""One connection is polled by one worker at a time; beat enqueues each due connection once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mailconf.inbound import polling
from mailconf.models import IncomingConnection


def _conn(**fields: object) -> IncomingConnection:
    return IncomingConnection.objects.create(name=fields.pop("name", "c"), host="127.0.0.1", login="x", **fields)


@pytest.mark.django_db
def test_a_held_lease_refuses_a_second_worker_until_it_expires():
    conn = _conn()

    assert polling.claim(conn.pk, "worker-a")
    assert not polling.claim(conn.pk, "worker-b")
    assert polling.poll_connection(conn.pk) is None

    IncomingConnection.objects.filter(pk=conn.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    assert polling.claim(conn.pk, "worker-b")
    with pytest.raises(polling.LeaseLost):
        polling.renew(conn.pk, "worker-a")


@pytest.mark.django_db
def test_due_connections_are_claimed_once_per_interval():
    due = _conn(name="due", interval=60)
    _conn(name="later", next_poll_at=timezone.now() + timedelta(minutes=5))
    _conn(name="off", enabled=False)

    assert polling.due_connections() == [due.pk]
    assert polling.due_connections() == []
    due.refresh_from_db()
    assert due.next_poll_at > timezone.now() + timedelta(seconds=50)


@pytest.mark.django_db
def test_the_beat_task_enqueues_a_poll_that_records_the_attempt():
    from mailconf.inbound.tasks import poll_due_connections

    conn = _conn(port=1, encryption="none")  # nothing listens on port 1: the poll fails cleanly

    assert poll_due_connections() == 1

    conn.refresh_from_db()
    assert conn.check_status == "error" and conn.consecutive_failures == 1
    assert conn.locked_until is None and conn.next_poll_at > timezone.now()

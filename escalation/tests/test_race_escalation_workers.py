"""Two workers ticking at the same moment on PostgreSQL: SKIP LOCKED splits the due tracks between
them and every level fires exactly once; a worker that dies mid-batch loses nothing."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction

from escalation import actions
from escalation.models import EscalationFiring, EscalationTrack
from escalation.services import fire_due_escalations
from notifications.models import Occurrence
from servicedesk.models import Ticket
from servicedesk.services.tickets import create_ticket
from servicedesk.testing.cast import Cast

from .conftest import at, msk, use_office_hours

pytestmark = pytest.mark.django_db(transaction=True)
TICKETS = 60


def due_tickets(cast: Cast) -> list[Ticket]:
    use_office_hours(cast)
    with at(msk(11, 23, 9)):
        return [
            create_ticket(actor=None, ticket_type=cast.incident, subject=f"Сбой {n}", requester_contact=cast.client)
            for n in range(TICKETS)
        ]


def run_workers(count: int, now: dt.datetime, limit: int) -> list[int]:
    barrier = threading.Barrier(count)
    fired: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            while True:
                result = fire_due_escalations(now=now, limit=limit)
                fired.append(result.fired)
                if result.claimed == 0:
                    break
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return fired


def test_two_workers_fire_each_level_exactly_once(cast: Cast) -> None:
    assert connection.vendor == "postgresql"
    due_tickets(cast)
    fired = run_workers(2, msk(11, 23, 14), limit=7)
    # Per ticket: the reaction level (11:00) and 50 % of the resolution time (13:00).
    assert sum(fired) == TICKETS * 2
    assert EscalationFiring.objects.count() == TICKETS * 2
    per_level = Occurrence.objects.filter(event="escalation.ticket").values_list("ticket_id", "data__level_id")
    assert len(list(per_level)) == len(set(per_level)) == TICKETS * 2
    assert not EscalationTrack.objects.filter(next_at__lte=msk(11, 23, 14)).exists()


def test_a_worker_dying_mid_batch_leaves_its_tracks_to_the_next(cast: Cast, monkeypatch) -> None:
    due_tickets(cast)

    def die(*args: object, **kwargs: object) -> None:
        raise SystemExit("worker killed")

    monkeypatch.setattr(actions, "notify", die)
    with pytest.raises(SystemExit), transaction.atomic():
        fire_due_escalations(now=msk(11, 23, 14), limit=20)
    assert EscalationFiring.objects.count() == 0  # its transaction rolled back: nothing half-done
    monkeypatch.undo()
    assert sum(run_workers(2, msk(11, 23, 14), limit=20)) == TICKETS * 2

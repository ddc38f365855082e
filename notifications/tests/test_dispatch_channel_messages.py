"""A channel plugged in through the registry: the fan-out writes its rows, the dispatcher sends
them after commit, and failures become data (backoff, failed for good, endpoint dropped)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from notifications import catalogue
from notifications.channels import ChannelError, DispatchChannel, Outgoing, base
from notifications.dispatch import deliver_due
from notifications.models import Delivery, Dispatch
from notifications.tests.factories import make_action, new_ticket, only_actions

OUTCOMES: dict[str, ChannelError | None] = {}
SENT: list[dict[str, Any]] = []
FORGOTTEN: list[str] = []


class ProbeChannel(DispatchChannel):
    code = "probe"
    label = "Probe"

    def endpoints(self, items: list[Outgoing]) -> list[tuple[Outgoing, str, dict[str, Any]]]:
        return [(item, f"probe:{item.recipient.user_id}", {"title": item.rendered.subject}) for item in items]

    def released_endpoints(self, messages: list[base.Released]) -> list[tuple[str, dict[str, Any]]]:
        return []  # never held: the probe's actions have no quiet hours or digests

    def send(self, dispatch: Dispatch) -> None:
        error = OUTCOMES.get(dispatch.target)
        if error is not None:
            raise error
        SENT.append(dispatch.payload)

    def forget(self, dispatch: Dispatch) -> None:
        FORGOTTEN.append(dispatch.target)


@pytest.fixture
def probe() -> Iterator[None]:
    base.register(ProbeChannel)
    OUTCOMES.clear(), SENT.clear(), FORGOTTEN.clear()
    yield
    base._REGISTRY.pop("probe")


@pytest.mark.django_db
def test_fan_out_queues_rows_and_sends_them_after_commit(cast, probe, committed):
    only_actions(
        make_action(catalogue.TICKET_REGISTERED_OPERATOR, "probe", to_responsible=True, subject_en="New TICKET_NUMBER")
    )
    with committed():
        ticket = new_ticket(cast)
    delivery = Delivery.objects.get(channel="probe")
    row = Dispatch.objects.get(delivery=delivery)
    assert (row.status, row.target, row.attempts) == (Dispatch.Status.SENT, f"probe:{cast.second_line.user_id}", 0)
    assert SENT[0]["title"] in (f"New {ticket.pk}", f"[{ticket.pk}] ru Printer on fire")


def _pending(target: str) -> Dispatch:
    return Dispatch.objects.create(channel="probe", target=target, payload={}, next_attempt_at=timezone.now())


@pytest.mark.django_db
def test_temporary_failure_backs_off_then_fails_for_good(probe):
    row = _pending("probe:flaky")
    OUTCOMES["probe:flaky"] = ChannelError("503 from the service")
    start = timezone.now()
    assert deliver_due() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "503 from the service")
    assert row.next_attempt_at and row.next_attempt_at >= start + timedelta(seconds=59)
    assert deliver_due() == 0  # not due yet
    for _attempt in range(ProbeChannel.max_attempts - 1):
        with time_machine.travel(row.next_attempt_at + timedelta(seconds=1)):
            deliver_due()
        row.refresh_from_db()
    assert (row.status, row.attempts, row.next_attempt_at) == ("failed", ProbeChannel.max_attempts, None)


@pytest.mark.django_db
def test_service_asked_wait_is_kept(probe):
    row = _pending("probe:busy")
    OUTCOMES["probe:busy"] = ChannelError("429", retry_after=7)
    deliver_due()
    row.refresh_from_db()
    assert row.next_attempt_at is not None
    assert timedelta(seconds=6) < row.next_attempt_at - timezone.now() <= timedelta(seconds=7)


@pytest.mark.django_db
def test_gone_endpoint_is_dropped_and_forgotten_permanent_error_fails(probe):
    gone, bad = _pending("probe:gone"), _pending("probe:bad")
    OUTCOMES["probe:gone"] = ChannelError("410 Gone", gone=True)
    OUTCOMES["probe:bad"] = ChannelError("400 malformed", permanent=True)
    deliver_due()
    gone.refresh_from_db(), bad.refresh_from_db()
    assert (gone.status, bad.status) == ("dropped", "failed")
    assert FORGOTTEN == ["probe:gone"]


@pytest.mark.django_db
def test_big_batches_go_through_copy_and_read_back_the_same():
    from servicedesk.dbutil import COPY_FROM, insert_many

    now = timezone.now()
    rows = [
        Dispatch(
            channel="probe",
            target=f"probe:{i}",
            payload={"title": f"Заявка {i}", "nested": [1, None, "x"]},
            status=Dispatch.Status.PENDING,
            next_attempt_at=now,
        )
        for i in range(COPY_FROM + 10)
    ]
    insert_many(Dispatch, rows)
    assert all(row.pk for row in rows)
    stored = {row.pk: row for row in Dispatch.objects.all()}
    assert len(stored) == len(rows)
    for row in rows:
        again = stored[row.pk]
        assert (again.target, again.payload, again.status, again.next_attempt_at, again.attempts) == (
            row.target,
            row.payload,
            "pending",
            now,
            0,
        )


@pytest.mark.django_db
def test_one_kick_sends_a_fan_out_bigger_than_a_batch(probe, monkeypatch):
    from notifications import dispatch
    from notifications.tasks import dispatch_task

    monkeypatch.setattr(dispatch, "BATCH", 3)
    rows = [_pending(f"probe:{i}") for i in range(7)]
    OUTCOMES["probe:5"] = ChannelError("temporary")
    assert dispatch_task([row.pk for row in rows]) == 7
    assert Dispatch.objects.filter(status="sent").count() == 6

"""A call whose kick was lost, or whose processing failed, is finished by the sweeper: nothing is
lost, nothing is done twice, and a failure leaves nothing half-done."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from telephony.models import MissedCallDigest, PbxCall
from telephony.services import dispatch
from telephony.services.intake import CallReport, record_missed_call
from telephony.services.tokens import create_token
from telephony.tasks import process_call_task, process_due_calls_task

pytestmark = pytest.mark.django_db
START = datetime(2025, 3, 14, 6, 0, tzinfo=UTC)


def _report(n: int) -> CallReport:
    return CallReport(caller_id=f"Caller <{n}>", to="201", duration=3, date=START, call_id=f"r{n}")


def test_lost_kick_is_taken_up_by_the_sweeper(cast, phone_settings):
    pbx = create_token(pbx_name="pbx")[0].pbx
    with time_machine.travel(START, tick=False) as clock:
        call, _ = record_missed_call(pbx=pbx, report=_report(1))  # no commit hooks run: the kick is lost
        assert process_due_calls_task() == 0  # not due yet
        clock.shift(31)
        assert process_due_calls_task() == 1
        assert process_due_calls_task() == 0
    call.refresh_from_db()
    assert call.processed_at is not None and list(call.employees.all()) == [cast.operator]
    assert MissedCallDigest.objects.get().calls.get() == call
    assert dispatch.process_call(call.pk) is False  # done once, never again


def test_failed_processing_rolls_back_and_is_retried_later(cast, phone_settings, monkeypatch):
    pbx = create_token(pbx_name="pbx")[0].pbx
    with time_machine.travel(START, tick=False) as clock:
        call, _ = record_missed_call(pbx=pbx, report=_report(2))

        def broken(**_kwargs: object) -> None:
            raise RuntimeError("mail settings unreadable")

        monkeypatch.setattr(dispatch, "add_to_digests", broken)
        with pytest.raises(RuntimeError):
            process_call_task(call.pk)
        call.refresh_from_db()
        assert call.processed_at is None and not call.employees.exists() and not MissedCallDigest.objects.exists()
        assert call.process_due_at == START + timedelta(minutes=2)

        monkeypatch.undo()
        clock.shift(60)
        assert process_due_calls_task() == 0  # backing off
        clock.shift(61)
        assert process_due_calls_task() == 1
    assert PbxCall.objects.get().processed_at is not None
    assert MissedCallDigest.objects.count() == 1


def test_broker_down_still_stores_the_call_and_the_sweeper_finishes(
    cast, phone_settings, post_missed, monkeypatch, committed
):
    from telephony import tasks

    attempts = []

    def broker_down(*_args: object, **_kwargs: object) -> None:
        attempts.append(1)
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(tasks.process_pending_calls_task, "apply_async", broker_down)
    with committed():
        response = post_missed(to="201")
    assert attempts == [1]
    assert response.status_code == 201, response.content
    call = PbxCall.objects.get(pk=response.json()["id"])
    assert call.processed_at is None
    monkeypatch.undo()
    with time_machine.travel(call.process_due_at + timedelta(seconds=1), tick=False):
        assert process_due_calls_task() == 1
    assert list(PbxCall.objects.get().employees.all()) == [cast.operator]

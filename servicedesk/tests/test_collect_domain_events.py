"""Events committed inside `events.collected()` reach batch handlers together, after the block;
an event of a rolled-back savepoint never arrives; outside a block each event goes at once."""

from __future__ import annotations

import pytest
from django.db import transaction

from servicedesk import events
from servicedesk.events import DomainEvent


@pytest.fixture
def batches():
    received: list[list[str]] = []

    def handler(batch: list[DomainEvent]) -> None:
        received.append([event.name for event in batch])

    events.subscribe_many(handler)
    yield received
    events.unsubscribe(handler)


@pytest.mark.django_db(transaction=True)
def test_committed_events_arrive_together_when_the_block_ends(batches):
    with events.collected():
        with transaction.atomic():
            events.emit(DomainEvent("first"))
            try:
                with transaction.atomic():
                    events.emit(DomainEvent("rolled back"))
                    raise RuntimeError("one item failed")
            except RuntimeError:
                pass
            events.emit(DomainEvent("second"))
        with transaction.atomic():
            events.emit(DomainEvent("third"))
        assert batches == []

    assert batches == [["first", "second", "third"]]


@pytest.mark.django_db(transaction=True)
def test_without_a_block_each_event_goes_at_commit(batches):
    with transaction.atomic():
        events.emit(DomainEvent("one"))
        events.emit(DomainEvent("two"))
    assert batches == [["one"], ["two"]]


@pytest.mark.django_db(transaction=True)
def test_a_failing_handler_does_not_stop_the_others(batches):
    def broken(batch: list[DomainEvent]) -> None:
        raise RuntimeError("handler bug")

    events.subscribe_many(broken)
    try:
        with events.collected(), transaction.atomic():
            events.emit(DomainEvent("kept"))
    finally:
        events.unsubscribe(broken)
    assert batches == [["kept"]]

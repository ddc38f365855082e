"""A level marked urgent reaches a person in their quiet hours; the same level not urgent waits."""

from __future__ import annotations

import datetime as dt

import pytest

from escalation import schemes
from escalation.models import EscalationLevel, Target
from escalation.services import fire_due_escalations
from notifications.models import DeliverySchedule, HeldNotification, Notification
from servicedesk.services.tickets import create_ticket
from servicedesk.testing.cast import Cast

from .conftest import at, msk, use_office_hours

pytestmark = pytest.mark.django_db


def fire_reaction_level(cast: Cast, committed, *, urgent: bool) -> None:
    use_office_hours(cast)
    EscalationLevel.objects.filter(scheme__target=Target.TICKET_REACTION).update(
        is_urgent=urgent, hold_to_working_hours=False
    )
    schemes.forget()
    DeliverySchedule.objects.create(user=cast.second_line.user, quiet_from=dt.time(0), quiet_to=dt.time(23, 59))
    fields = {"requester_contact": cast.client, "responsible_employee": cast.second_line, "responsible_team": cast.team}
    with at(msk(11, 23, 9)):
        create_ticket(actor=None, ticket_type=cast.incident, subject="Упал сервер", **fields)
    with at(msk(11, 23, 11, 1)), committed():
        assert fire_due_escalations().fired >= 1


def test_urgent_level_goes_through_quiet_hours(cast: Cast, committed) -> None:
    fire_reaction_level(cast, committed, urgent=True)
    assert Notification.objects.filter(user=cast.second_line.user, event="escalation.ticket").exists()
    assert not HeldNotification.objects.filter(event="escalation.ticket").exists()


def test_ordinary_level_waits_for_the_end_of_quiet_hours(cast: Cast, committed) -> None:
    fire_reaction_level(cast, committed, urgent=False)
    assert not Notification.objects.filter(user=cast.second_line.user, event="escalation.ticket").exists()
    assert HeldNotification.objects.filter(event="escalation.ticket", reason="quiet").exists()

"""SLA rules of an agreement: first match wins, the default otherwise, units with "1 day = 24
working hours", and the right agreement chosen for the requester."""

from __future__ import annotations

import datetime as dt

import pytest

from servicedesk.models import Agreement, ClockKind, Priority, ServiceSchedule, TicketChannel, TimeUnit
from servicedesk.services.agreements import agreement_choices
from servicedesk.services.sla_view import day_explained, rule_label
from servicedesk.services.tickets import create_ticket
from servicedesk.testing.cast import Cast
from servicedesk.worktime.calendars import working_time

from .sla_helpers import add_rule, at, msk, office_schedule, use_office_hours

pytestmark = pytest.mark.django_db


def register(cast: Cast, **extra: object):
    fields = {"requester_contact": cast.client, "service": cast.email_service, "ticket_type": cast.incident, **extra}
    with at(msk(11, 23, 9)):
        return create_ticket(actor=cast.operator.user, subject="VPN", **fields)


def test_first_matching_rule_wins_and_the_default_applies_otherwise(cast: Cast) -> None:
    base = use_office_hours(cast)
    critical = add_rule(base, ClockKind.RESOLUTION, "2", priorities=[Priority.CRITICAL])
    add_rule(base, ClockKind.RESOLUTION, "4", priorities=[Priority.CRITICAL, Priority.HIGH])
    add_rule(base, ClockKind.REACTION, "30", TimeUnit.MINUTES, services=[cast.email_service])
    urgent = register(cast, priority=Priority.CRITICAL)
    assert urgent.resolution_target == dt.timedelta(hours=2) and urgent.resolution_rule_id == critical.pk
    assert urgent.reaction_deadline == msk(11, 23, 9, 30)
    assert register(cast, priority=Priority.HIGH).resolution_target == dt.timedelta(hours=4)
    plain = register(cast, priority=Priority.LOW, service=None)
    assert plain.resolution_target == dt.timedelta(hours=8) and plain.resolution_rule_id is None
    assert plain.reaction_target == dt.timedelta(hours=2)
    assert "rule 1 (priority: critical): 2 h" in rule_label(urgent, ClockKind.RESOLUTION)
    assert "default time: 8 h" in rule_label(plain, ClockKind.RESOLUTION)


def test_rules_match_type_and_company_including_the_head_office(cast: Cast) -> None:
    base = use_office_hours(cast)
    branch = cast.client_company.branches.create(name="Филиал")
    contact = branch.contacts.create(last_name="Филиалов", email="f@romashka.example")
    add_rule(base, ClockKind.RESOLUTION, "3", companies=[cast.client_company], ticket_types=[cast.incident])
    assert register(cast, requester_contact=contact).resolution_target == dt.timedelta(hours=3)
    request = register(cast, requester_contact=contact, ticket_type=cast.request)
    assert request.resolution_target == dt.timedelta(hours=8)


def test_one_day_is_24_working_hours(cast: Cast) -> None:
    base = use_office_hours(cast)
    base.resolution_amount, base.resolution_unit = 1, TimeUnit.DAYS
    base.save()
    ticket = register(cast)
    assert ticket.resolution_target == dt.timedelta(hours=24)
    assert ticket.resolution_deadline == msk(11, 25, 18)  # three 8-hour working days


def test_day_is_explained_next_to_the_field() -> None:
    schedule = office_schedule()
    text = day_explained(str(schedule), working_time(schedule))
    assert "8 working hours a day" in text and "3 working days" in text and "16 hours" in text
    around = ServiceSchedule.objects.get(name="24×7")
    assert "one calendar day" in day_explained("24×7", working_time(around))


def test_company_agreement_wins_over_the_base_one_for_mail(cast: Cast) -> None:
    use_office_hours(cast)
    own = Agreement.objects.create(
        name="Ромашка 24×7",
        reaction_amount=2,
        resolution_amount=4,
        schedule=ServiceSchedule.objects.get(name="24×7"),
    )
    own.companies.add(cast.client_company)
    own.services.add(cast.email_service)
    with at(msk(11, 21, 22)):  # Saturday night: the company's 24×7 agreement counts
        ticket = create_ticket(
            actor=None,
            ticket_type=cast.incident,
            subject="Не работает почта",
            service=cast.email_service,
            requester_contact=cast.client,
            channel=TicketChannel.EMAIL,
        )
    assert ticket.agreement == own
    assert ticket.reaction_deadline == msk(11, 22, 0)
    choices = agreement_choices(contact=cast.client, service=cast.email_service)
    assert choices == [own, cast.base_agreement]
    chosen = register(cast, agreement=cast.base_agreement)
    assert chosen.agreement == cast.base_agreement

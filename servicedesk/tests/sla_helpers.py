"""Shared setup for SLA tests: an 8-hour schedule on the Russian calendar and a frozen clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine

from servicedesk.models import Agreement, HolidayCalendar, ServiceSchedule, SlaRule, TimeUnit
from servicedesk.testing.cast import Cast

MSK = ZoneInfo("Europe/Moscow")
EIGHT_HOURS = {str(d): [["09:00", "13:00"], ["14:00", "18:00"]] for d in range(1, 6)}


def msk(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=MSK)


@contextmanager
def at(moment: dt.datetime) -> Iterator[None]:
    with time_machine.travel(moment, tick=False):
        yield


def office_schedule() -> ServiceSchedule:
    return ServiceSchedule.objects.create(
        name="8×5 test", intervals=EIGHT_HOURS, calendar=HolidayCalendar.objects.get(country="RU")
    )


def use_office_hours(cast: Cast, reaction: str = "2", resolution: str = "8") -> Agreement:
    base = cast.base_agreement
    base.schedule = office_schedule()
    base.reaction_amount, base.resolution_amount = Decimal(reaction), Decimal(resolution)
    base.save()
    return base


def add_rule(agreement: Agreement, kind: str, amount: str, unit: str = TimeUnit.HOURS, **conditions: object) -> SlaRule:
    position = SlaRule.objects.filter(agreement=agreement, kind=kind).count() + 1
    m2m = {name: conditions.pop(name) for name in ("ticket_types", "services", "companies") if name in conditions}
    rule = SlaRule.objects.create(
        agreement=agreement, kind=kind, amount=Decimal(amount), unit=unit, position=position, **conditions
    )
    for name, values in m2m.items():
        getattr(rule, name).set(values)  # type: ignore[arg-type]
    rule.save()  # moves the agreement's version after the conditions are in place
    agreement.refresh_from_db()
    return rule

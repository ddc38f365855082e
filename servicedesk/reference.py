"""Reference data every installation has: user groups, ticket types, schedules, the base agreement.

Created by a post_migrate handler rather than a data migration: post_migrate also runs after a
database flush (transactional tests, `manage.py flush`), so the rows can never go missing, and
every call is idempotent.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps

from . import roles

TICKET_TYPES = [
    ("incident", "Инцидент", "Incident"),
    ("service_request", "Запрос на обслуживание", "Service request"),
    ("appeal", "Обращение", "Appeal"),
]
# 8x5: eight working hours, 09:00-18:00 with a 13:00-14:00 break, Monday to Friday.
OFFICE_HOURS = {str(d): [["09:00", "13:00"], ["14:00", "18:00"]] for d in range(1, 6)}


def ensure_reference_data(apps: Apps = global_apps, **_kwargs: Any) -> None:
    """Create what is missing. `apps` is a migration state's registry when called from migrations."""
    Group = apps.get_model("auth", "Group")
    Agreement = apps.get_model("servicedesk", "Agreement")
    ServiceSchedule = apps.get_model("servicedesk", "ServiceSchedule")
    TicketType = apps.get_model("servicedesk", "TicketType")

    for name in roles.ALL_ROLES:
        Group.objects.get_or_create(name=name)
    for code, name, name_en in TICKET_TYPES:
        TicketType.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en})
    from .worktime.russia import install_russian_calendar

    # The data migration 0002 runs this on a state that has no calendars yet; post_migrate then
    # runs it again on the full state.
    extra: dict[str, Any] = {}
    if "holidaycalendar" in apps.all_models.get("servicedesk", {}):
        first_install = not apps.get_model("servicedesk", "HolidayCalendar").objects.filter(country="RU").exists()
        extra["calendar"] = install_russian_calendar(apps)
    office, _ = ServiceSchedule.objects.get_or_create(
        name="8×5, 09:00–18:00", defaults={"name_en": "8×5, 09:00–18:00", "intervals": OFFICE_HOURS, **extra}
    )
    if extra and first_install and office.calendar_id is None:
        # The schedule made by the first migration gets the calendar once; detaching it later sticks.
        ServiceSchedule.objects.filter(pk=office.pk).update(calendar=extra["calendar"])
    ServiceSchedule.objects.get_or_create(name="24×7", defaults={"name_en": "24×7", "around_the_clock": True})
    Agreement.objects.get_or_create(
        is_base=True, defaults={"name": "Базовое соглашение", "name_en": "Base agreement", "schedule": office}
    )

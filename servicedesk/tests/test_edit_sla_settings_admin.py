"""The technologist edits schedules as hours and breaks, calendars day by day (or generated, or
imported), agreements with SLA rules; escalation schemes and levels switch on and off."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from escalation.models import EscalationLevel
from servicedesk.models import HolidayCalendar, ServiceSchedule
from servicedesk.testing.cast import PASSWORD, Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def tech(client: Client, cast: Cast) -> Client:
    assert client.login(username="system", password=PASSWORD)
    return client


def schedule_post(**days: str) -> dict[str, str]:
    data = {"name": "Офис", "name_en": "Office", "timezone": "Europe/Moscow", "calendar": ""}
    for day in range(1, 8):
        data[f"hours_{day}"], data[f"breaks_{day}"] = "", ""
    data.update(days)
    return data


def test_schedule_is_edited_as_hours_and_breaks(tech: Client) -> None:
    url = reverse("admin:servicedesk_serviceschedule_add")
    weekdays = {f"hours_{d}": "09:00–19:00" for d in range(1, 6)} | {f"breaks_{d}": "13:00–14:00" for d in range(1, 6)}
    assert tech.post(url, schedule_post(**weekdays)).status_code == 302
    schedule = ServiceSchedule.objects.get(name="Офис")
    assert schedule.intervals["1"] == [["09:00", "13:00"], ["14:00", "19:00"]] and "6" not in schedule.intervals
    page = tech.get(reverse("admin:servicedesk_serviceschedule_change", args=[schedule.pk])).content.decode()
    assert 'value="09:00–19:00"' in page and 'value="13:00–14:00"' in page


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ({"hours_1": "9-18"}, "Write a time range like 09:00–18:00."),
        ({"hours_1": "18:00–09:00"}, "The end must be later than the start"),
        ({"hours_1": "09:00–18:00", "breaks_1": "08:00–09:30"}, "A break must lie inside the working hours."),
        ({}, "Give working hours for at least one day"),
    ],
)
def test_schedule_errors_are_shown_next_to_the_field(tech: Client, days: dict, message: str) -> None:
    response = tech.post(reverse("admin:servicedesk_serviceschedule_add"), schedule_post(**days))
    assert response.status_code == 200 and message in response.content.decode()
    assert not ServiceSchedule.objects.filter(name="Офис").exists()


def test_agreement_explains_the_day_next_to_the_unit(tech: Client, cast: Cast) -> None:
    page = tech.get(reverse("admin:servicedesk_agreement_change", args=[cast.base_agreement.pk])).content.decode()
    assert "1 day = 24 working hours" in page and "3 working days" in page
    assert "SLA rules: tried in order" in page


def test_calendar_generate_and_import(tech: Client) -> None:
    calendar = HolidayCalendar.objects.create(name="Беларусь", country="BY")
    response = tech.post(
        reverse("admin:servicedesk_holidaycalendar_generate", args=[calendar.pk]), {"country": "BY", "year": 2026}
    )
    assert response.status_code == 302 and calendar.days.count() > 5
    ics = SimpleUploadedFile("x.ics", b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "text/calendar")
    bad = tech.post(reverse("admin:servicedesk_holidaycalendar_import", args=[calendar.pk]), {"file": ics})
    assert bad.status_code == 200 and "The file has no events." in bad.content.decode()
    exported = tech.get(reverse("admin:servicedesk_holidaycalendar_export", args=[calendar.pk]))
    assert exported["Content-Type"].startswith("text/calendar") and b"BEGIN:VEVENT" in exported.content


@pytest.mark.parametrize("language", ["ru", "en"])
def test_escalation_section_lists_schemes_and_levels(tech: Client, language: str) -> None:
    tech.cookies["django_language"] = language
    page = tech.get(reverse("admin:escalation_escalationscheme_changelist"), HTTP_ACCEPT_LANGUAGE=language)
    text = page.content.decode()
    assert page.status_code == 200
    assert ("Решение заявки" if language == "ru" else "Ticket resolution") in text
    index = tech.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert ("Эскалация" if language == "ru" else "Escalation") in index


def test_levels_switch_off_one_by_one(tech: Client) -> None:
    level = EscalationLevel.objects.get(scheme__code="ticket-resolution", position=1)
    response = tech.post(
        reverse("admin:escalation_escalationlevel_changelist"),
        {"action": "turn_off", "_selected_action": [level.pk]},
    )
    assert response.status_code == 302
    level.refresh_from_db()
    assert not level.enabled
    assert EscalationLevel.objects.get(scheme__code="ticket-resolution", position=2).enabled

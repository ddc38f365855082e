"""A person sets quiet hours and a digest in the notification centre, in either language: the
section is readable, the time fields are the browser's own, and the choice is kept."""

from __future__ import annotations

import datetime as dt

import pytest

from notifications.models import DeliverySchedule
from servicedesk.testing.browser import assert_in_viewport, assert_readable, shot
from servicedesk.testing.cast import Cast

pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLES = {"ru": "Тихие часы и сводка", "en": "Quiet hours and digest"}


@pytest.mark.parametrize("language", ["ru", "en"])
def test_person_sets_quiet_hours_and_digest(cast: Cast, live_server, browser_session, language: str) -> None:
    page = browser_session(live_server.url, "operator", language=language)
    page.goto("/notifications/")
    title = page.locator("#ncentre-quiet-title")
    assert title.text_content() == TITLES[language]  # drawn in capitals by the panel style
    assert_readable(title)
    form = page.locator(".ncentre__schedule")
    form.locator("#id_quiet_from").fill("22:00")
    form.locator("#id_quiet_to").fill("07:00")
    form.locator("#id_digest").select_option("interval")
    form.locator("#id_digest_minutes").fill("30")
    assert_readable(form.locator("label[for=id_quiet_from]"))
    form.locator("button[type=submit]").click()
    page.locator(".ncentre__schedule").wait_for()
    schedule = DeliverySchedule.objects.get(user=cast.operator.user)
    assert (schedule.quiet_from, schedule.quiet_to) == (dt.time(22), dt.time(7))
    assert (schedule.digest, schedule.digest_minutes) == ("interval", 30)
    assert page.locator("#id_quiet_from").input_value() == "22:00"
    page.locator("#ncentre-quiet-title").scroll_into_view_if_needed()
    shot(page, f"quiet-hours-{language}", full_page=False)


@pytest.mark.parametrize("language", ["ru", "en"])
def test_errors_show_under_their_fields(cast: Cast, live_server, browser_session, language: str) -> None:
    """Half a range and a 2-minute digest: each message under its field, readable and on screen,
    with the typed values still there (a toast at the top said it far from the field and lost them)."""
    page = browser_session(live_server.url, "operator", language=language, width=375, height=812)
    page.goto("/notifications/")
    form = page.locator(".ncentre__schedule")
    form.locator("#id_quiet_from").fill("22:00")
    form.locator("#id_digest").select_option("interval")
    form.locator("#id_digest_minutes").fill("2")
    page.evaluate("document.querySelector('#id_digest_minutes').removeAttribute('min')")  # the server's check
    form.locator("button[type=submit]").click()
    for field in ("quiet_to", "digest_minutes"):
        error = page.locator(f".ncentre__schedule .field:has(#id_{field}) .error")
        error.wait_for()
        error.scroll_into_view_if_needed()
        assert_in_viewport(error)
        assert_readable(error)
    assert page.locator("#id_quiet_from").input_value() == "22:00"
    assert page.locator("#id_digest_minutes").input_value() == "2"
    assert page.locator(".toast--error").count() == 0
    assert not DeliverySchedule.objects.filter(user=cast.operator.user).exists()
    shot(page, f"quiet-hours-errors-{language}", full_page=False)

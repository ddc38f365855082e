"""Feedback a person sees at once (issue 11, point 6): the employee list follows the chosen team; a
refused assignment brings its reason into the window with a cue (a toast, the field focused and
marked); filtering the list without a reload shows the active-filter badge and "Reset" at once."""

from __future__ import annotations

import pytest

from servicedesk.services.tickets import create_ticket
from servicedesk.testing.browser import assert_in_viewport, assert_readable, shot
from servicedesk.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _listed(select) -> list[str]:
    return [text.strip() for text in select.locator("option:not([hidden])").all_inner_texts()]


def test_team_narrows_employees_and_a_refusal_is_shown_where_the_eye_is(
    cast: Cast, live_server, browser_session
) -> None:
    ticket = create_ticket(
        actor=cast.operator.user,
        ticket_type=cast.incident,
        subject="Сеть в переговорной",
        description="Нет сети.\n" * 30,  # a long card: the assign panel starts below the fold
        requester_contact=cast.client,
    )
    page = browser_session(live_server.url, "operator", language="ru", width=1280, height=640)
    page.goto(f"/tickets/{ticket.pk}/")
    team, employee = page.locator("#id_responsible_team"), page.locator("#id_responsible_employee")

    team.select_option(label=cast.other_team.name)
    assert _listed(employee) == ["Никто", cast.second_line_peer.full_name]
    team.select_option(label=cast.team.name)
    assert _listed(employee) == ["Никто", cast.second_line.full_name]
    team.select_option(value="")
    assert cast.second_line_peer.full_name in _listed(employee) and cast.operator.full_name in _listed(employee)

    # The page is stale: somebody takes the employee out of the team after the list was narrowed.
    team.select_option(label=cast.other_team.name)
    employee.select_option(label=cast.second_line_peer.full_name)
    cast.other_team.members.remove(cast.second_line_peer)
    page.evaluate("window.scrollTo(0, 0)")
    page.locator("#assign-panel button[type=submit]").click()

    error = page.locator("#assign-panel .error", has_text="не входит в команду")
    error.wait_for()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'id_responsible_employee'")
    assert_in_viewport(error)
    assert_readable(error)
    assert_in_viewport(page.locator("#id_responsible_employee"))
    toast = page.locator(".toast--error", has_text="Не сохранено")
    assert_in_viewport(toast)
    assert_readable(toast)
    shot(page, "assign-refused-ru", full_page=False)
    ticket.refresh_from_db()
    assert ticket.responsible_employee is None


def test_filtering_shows_badge_and_reset_without_a_reload(cast: Cast, live_server, browser_session) -> None:
    for subject in ("Принтер", "Почта", "Сеть"):
        create_ticket(
            actor=cast.operator.user, ticket_type=cast.incident, subject=subject, requester_contact=cast.client
        )
    page = browser_session(live_server.url, "operator", language="en", width=1280, height=800)
    page.goto("/")
    page.evaluate("window.sdNoReload = true")
    badge, reset = page.locator("#filters-active .badge--filters"), page.locator("#filters-active a", has_text="Reset")
    assert badge.count() == 0 and reset.count() == 0

    page.locator("#id_q").fill("Принтер")
    page.locator("#ticket-results tbody tr").first.filter(has_text="Принтер").wait_for()
    badge.wait_for()
    assert badge.inner_text() == "1 filter"
    assert reset.is_visible()
    assert_readable(badge)

    page.locator("#id_priority").select_option(index=1)
    page.wait_for_function(
        "document.querySelector('#filters-active .badge--filters').textContent.trim() === '2 filters'"
    )
    assert page.evaluate("window.sdNoReload === true")  # htmx swapped the results; the page stayed
    shot(page, "filters-active-en", full_page=False)

    reset.click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("#filters-active .badge--filters").count() == 0

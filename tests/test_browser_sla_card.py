"""A ticket resolved after its deadline: the card shows the resolution in red with the delay, in
Russian and in English, readable and in view; the explanation page lays out the counted time.
Screenshots land in /tmp/ui-shots/ (sla-card-ru.png, sla-card-en.png, sla-explain-ru.png, ...)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from servicedesk.models import Ticket, TicketStatus
from servicedesk.services.tickets import add_comment, change_status, create_ticket
from servicedesk.services.work import add_task
from servicedesk.testing.cast import PASSWORD, Cast
from servicedesk.tests.sla_helpers import at, msk, use_office_hours

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
playwright_sync = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/ui-shots")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DANGER = "rgb(196, 40, 28)"  # --danger in static/css/app.css (darkened to keep 5:1 on --danger-soft)


def late_ticket(cast: Cast) -> Ticket:
    use_office_hours(cast)
    with at(msk(11, 23, 9)):
        ticket = create_ticket(
            actor=cast.operator.user,
            ticket_type=cast.incident,
            subject="Не работает VPN у бухгалтерии",
            requester_contact=cast.client,
            responsible_employee=cast.second_line,
            responsible_team=cast.team,
            service=cast.email_service,
        )
    with at(msk(11, 23, 12)):
        add_comment(ticket=ticket, actor=cast.operator.user, body="Проверяем шлюз.")
        add_task(ticket=ticket, actor=cast.operator.user, title="Перезапустить шлюз VPN", responsible_team=cast.team)
    with at(msk(11, 23, 16)):
        change_status(ticket=ticket, actor=cast.operator.user, status=TicketStatus.WAITING)
    with at(msk(11, 24, 10)):
        change_status(ticket=ticket, actor=cast.operator.user, status=TicketStatus.IN_PROGRESS)
        task = ticket.tasks.get()
        from servicedesk.services.work import finish_task

        finish_task(task=task, actor=cast.second_line.user, result="Перезапущен")
    with at(msk(11, 24, 15, 30)):  # 6 h counted Monday, 4.5 h Tuesday: 2.5 h late
        change_status(
            ticket=ticket, actor=cast.operator.user, status=TicketStatus.RESOLVED, comment="Шлюз перезапущен."
        )
    return ticket


@pytest.fixture
def page():
    with playwright_sync.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            browser.close()


def shot(page, name: str, full: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)


def login(page, base: str, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page.goto(f"{base}/login/")
    page.locator("#id_username").fill("operator")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button.btn--primary[type=submit]").click()
    page.wait_for_url(f"{base}/")


@pytest.mark.parametrize(
    ("language", "late_text", "state_text"),
    [
        ("en", "late by 2 h 30 min of working time", "met late"),
        ("ru", "опоздание — 2 ч 30 мин", "выполнено с опозданием"),
    ],
)
def test_card_shows_a_late_resolution_in_red(live_server, cast: Cast, page, language, late_text, state_text) -> None:
    expect = playwright_sync.expect
    ticket = late_ticket(cast)
    login(page, live_server.url, language)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    clock = page.locator('.sla[data-clock="resolution"]')
    expect(clock).to_be_visible()
    expect(clock.locator(".sla__state")).to_have_text(state_text)
    expect(clock.locator(".sla__late")).to_contain_text(late_text)
    # Seen, not only present: red text, inside the viewport, not cut off.
    assert clock.locator(".sla__state").evaluate("e => getComputedStyle(e).color") == DANGER
    assert clock.locator(".sla__late").evaluate("e => getComputedStyle(e).color") == DANGER
    box = clock.bounding_box()
    assert box is not None and box["y"] + box["height"] < 900 and box["x"] + box["width"] <= 1440
    assert clock.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    shot(page, f"sla-card-{language}")
    clock.screenshot(path=str(SHOTS / f"sla-clock-{language}.png"))

    page.goto(f"{live_server.url}/?sort=deadline")
    cell = page.locator(".deadline--late").first
    expect(cell).to_be_visible()
    assert cell.evaluate("e => getComputedStyle(e).color") == DANGER
    shot(page, f"sla-list-{language}", full=False)

    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    clock.get_by_role("link").click()
    expect(page.locator("table.sla-rows")).to_be_visible()
    expect(page.locator(".sla-row--pause")).to_have_count(1)
    shot(page, f"sla-explain-{language}")


@pytest.mark.parametrize("language", ["ru", "en"])
def test_technologist_sees_schedule_editor_and_escalation_levels(live_server, cast: Cast, page, language) -> None:
    expect = playwright_sync.expect
    from servicedesk.models import ServiceSchedule

    schedule = ServiceSchedule.objects.get(name="8×5, 09:00–18:00")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(f"{live_server.url}/admin/login/")
    page.locator("#id_username").fill("system")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.goto(f"{live_server.url}/admin/servicedesk/serviceschedule/{schedule.pk}/change/")
    expect(page.locator("#id_hours_1")).to_have_value("09:00–18:00")
    expect(page.locator("#id_breaks_1")).to_have_value("13:00–14:00")
    expect(page.locator("#id_hours_6")).to_have_value("")
    shot(page, f"admin-schedule-{language}")
    page.goto(f"{live_server.url}/admin/escalation/escalationlevel/")
    expect(page.locator("#result_list")).to_be_visible()
    expect(page.locator("#result_list tbody tr")).to_have_count(8)
    shot(page, f"admin-escalation-levels-{language}")
    page.goto(f"{live_server.url}/admin/servicedesk/agreement/{cast.base_agreement.pk}/change/")
    expect(page.locator(".field-reaction_amount, .field-reaction_unit").first).to_be_visible()
    shot(page, f"admin-agreement-{language}")

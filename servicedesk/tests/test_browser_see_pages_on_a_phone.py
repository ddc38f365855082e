"""What a new user sees on a 375 px phone and at 1366×768, in Russian and in English: pages that
pushed the window wider (people cards, the notification centre, the technologist's module and
import pages), text squeezed to a word a line, grey text below WCAG AA, a bell drawn grey on
navy, the ticket list that kept "changed" and dropped the deadline, and file pickers that spoke
the browser's language. Checked on the rendered page; screenshots land in SHOTS."""

from __future__ import annotations

import pytest

from notifications.models import Notification
from servicedesk.models import Ticket
from servicedesk.services.tickets import create_ticket
from servicedesk.testing.browser import (
    assert_fits,
    assert_in_viewport,
    assert_no_horizontal_overflow,
    assert_readable,
    contrast_ratio,
    shot,
)
from servicedesk.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1366, "height": 768}
BODY = (
    "Срок решения 04.12.2026 18:00 прошёл, просрочено на рабочего времени. Ответственный: Иванова Анна "
    "Сергеевна, команда: Первая линия. Приоритет: Обычный."
)


def _tickets(cast: Cast) -> Ticket:
    ticket = None
    for subject in ("Не проходят звонки в офис Санкт-Петербурга", "Принтер печатает полосы"):
        ticket = create_ticket(
            actor=cast.operator.user,
            ticket_type=cast.incident,
            subject=subject,
            requester_contact=cast.client,
            service=cast.email_service,
        )
    assert ticket
    for number in range(3):
        Notification.objects.create(
            user=cast.operator.user,
            event="escalation.ticket",
            ticket=ticket,
            title=f"Заявка №{ticket.number} просрочена: Организовать рабочее место для нового сотрудника {number}",
            body=BODY,
        )
    return ticket


@pytest.mark.parametrize("language", ["ru", "en"])
def test_operator_pages_fit_a_phone(cast: Cast, live_server, browser_session, language: str) -> None:
    ticket = _tickets(cast)
    page = browser_session(live_server.url, "operator", language=language, **PHONE)

    for url in (
        "/",
        "/tickets/new/",
        f"/people/contacts/{cast.client.pk}/",
        f"/people/employees/{cast.operator.pk}/",
        "/notifications/",
    ):
        page.goto(url)
        assert_no_horizontal_overflow(page)
        shot(page, f"phone-{url.strip('/').replace('/', '-') or 'list'}-{language}")

    # The notification's text takes the item's width; the "mark read" button goes under it.
    item = page.locator(".ncentre__item.is-unread").first
    text = item.locator("> div")
    assert text.bounding_box()["width"] > 0.8 * item.bounding_box()["width"] - 32
    assert_readable(item.locator("time"))

    # The list keeps number, subject, status and the deadline on screen; it drops "changed".
    page.goto("/")
    headers = page.locator("#ticket-results thead th")
    deadline = headers.filter(has_text="Дедлайн" if language == "ru" else "Deadline")
    assert deadline.is_visible()
    assert_in_viewport(deadline)
    assert not headers.filter(has_text="Изменена" if language == "ru" else "Updated").is_visible()
    # Each ticket is a card: nothing to scroll sideways inside the list.
    assert page.locator("#ticket-results .tablewrap").evaluate("el => el.scrollWidth <= el.clientWidth")
    assert_in_viewport(page.locator("#ticket-results tbody .col-status").first)

    # Two buttons wider than the card wrap instead of sticking out of its left edge.
    page.goto("/profile/")
    card = page.locator(".form-actions").first.locator("xpath=ancestor::*[contains(@class, 'card')][1]")
    for button in page.locator(".form-actions").first.locator(".btn").all():
        assert_fits(button, card)
    # A long label wraps inside its button: no button runs past the window's edges.
    outside = page.evaluate(
        "() => [...document.querySelectorAll('#main .btn')].filter(b => b.offsetParent)"
        ".map(b => b.getBoundingClientRect()).filter(r => r.left < 0 || r.right > innerWidth).length"
    )
    assert outside == 0

    # The card's title takes the width; "Take into work" goes under it, not beside it.
    page.goto(f"/tickets/{ticket.pk}/")
    title = page.locator(".pagehead--ticket h1")
    assert title.bounding_box()["width"] > 0.8 * PHONE["width"]
    assert_in_viewport(page.locator("#take-form button"))


@pytest.mark.parametrize("language", ["ru", "en"])
def test_secondary_text_and_the_bell_are_readable(cast: Cast, live_server, browser_session, language: str) -> None:
    ticket = _tickets(cast)
    for number in range(9):  # a two-digit count, as in the demo
        Notification.objects.create(user=cast.operator.user, event="ticket.assigned", title=f"Назначена {number}")
    page = browser_session(live_server.url, "operator", language=language, **LAPTOP)
    page.goto("/")
    assert_readable(page.locator("#ticket-results .sub").first)  # "Incident · Corporate e-mail"
    # An icon needs 3:1 against what is behind it (WCAG 1.4.11); the grey of a light page gave 2.9:1.
    assert contrast_ratio(page.locator("#notification-bell .nbell__button")) >= 3
    # The unread count sits on the bell's corner and leaves most of the bell in sight.
    bell, count = (page.locator(f"#notification-bell {sel}").bounding_box() for sel in ("svg", ".nbell__count"))
    overlap_w = max(0, min(bell["x"] + bell["width"], count["x"] + count["width"]) - max(bell["x"], count["x"]))
    overlap_h = max(0, min(bell["y"] + bell["height"], count["y"] + count["height"]) - max(bell["y"], count["y"]))
    assert overlap_w * overlap_h < 0.35 * bell["width"] * bell["height"]
    page.goto(f"/tickets/{ticket.pk}/")
    assert_readable(page.locator(".pagehead--ticket .ticketno"))
    assert_readable(page.locator(".crumbs"))
    shot(page, f"laptop-card-{language}", full_page=False)


@pytest.mark.parametrize("language", ["ru", "en"])
def test_technologist_tool_pages_fit_a_phone(cast: Cast, live_server, browser_session, language: str) -> None:
    page = browser_session(live_server.url, "system", language=language, **PHONE)
    page.goto("/admin/servicedesk/moduleswitch/")
    assert_no_horizontal_overflow(page)
    shot(page, f"phone-admin-labels-{language}")

    page.goto("/admin/servicedesk/importjob/add/")
    assert_no_horizontal_overflow(page)
    # Our picker, in the page's language (the browser's own control speaks the browser's).
    picker = page.locator("[data-filepick]")
    assert picker.locator("label").inner_text() == ("Выбрать файл" if language == "ru" else "Choose a file")
    picker.scroll_into_view_if_needed()
    assert_in_viewport(picker.locator("label"))
    page.locator("#id_file").set_input_files([{"name": "сотрудники.csv", "mimeType": "text/csv", "buffer": b"a;b"}])
    assert picker.locator("[data-filepick-names]").inner_text() == "сотрудники.csv"
    shot(page, f"phone-admin-import-{language}")


@pytest.mark.parametrize("language", ["ru", "en"])
def test_client_cabinet_fits_a_phone(cast: Cast, live_server, browser_session, language: str) -> None:
    """The cabinet's own short table keeps its columns (the operator list's phone cards are not for it)."""
    _tickets(cast)
    page = browser_session(live_server.url, "client", language=language, **PHONE)
    page.goto("/cabinet/")
    assert_no_horizontal_overflow(page)
    row = page.locator(".cabinet-tickets tbody tr").first
    assert row.evaluate("el => getComputedStyle(el).display") == "table-row"
    assert_in_viewport(row.locator(".badge").first)
    shot(page, f"phone-cabinet-{language}")


@pytest.mark.parametrize("language", ["ru", "en"])
def test_calendar_days_fit_a_laptop(cast: Cast, live_server, browser_session, language: str) -> None:
    """A production calendar's days at 1366×768: the table, "Delete?" included, fits the page, and
    the browser-zone warning is not repeated under every date (the test browser runs in UTC)."""
    import datetime as dt

    from servicedesk.models import CalendarDay, HolidayCalendar

    calendar = HolidayCalendar.objects.first() or HolidayCalendar.objects.create(name="Календарь")
    for day in range(3):
        CalendarDay.objects.get_or_create(
            calendar=calendar,
            date=dt.date(2031, 11, 3 + day),
            defaults={"kind": CalendarDay.Kind.choices[-1][0], "note": "Перенос выходного с 3 января"},
        )
    page = browser_session(live_server.url, "system", language=language, **LAPTOP)
    page.goto(f"/admin/servicedesk/holidaycalendar/{calendar.pk}/change/")
    page.locator(".tabular tbody tr.form-row").first.wait_for()
    assert_no_horizontal_overflow(page)
    assert page.locator(".tabular").evaluate("el => el.scrollWidth <= el.clientWidth")
    delete = page.locator(".tabular tbody tr.form-row td.delete input").first
    delete.evaluate("el => el.scrollIntoView({block: 'center', inline: 'nearest'})")
    assert_in_viewport(delete)
    assert page.locator(".tabular td.field-date .timezonewarning:visible").count() == 0
    shot(page, f"laptop-admin-calendar-{language}", full_page=False)

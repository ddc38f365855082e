"""One time zone and one format everywhere (issue 11, point 7): the list, the card, its history and
the bell show times in the zone chosen in the profile, the installation's when none is chosen, and
never the browser's; always as 01.03.2030 19:05, without seconds."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from notifications.models import Notification
from servicedesk.models import Comment, Ticket, TicketHistory
from servicedesk.services.tickets import add_comment, create_ticket
from servicedesk.testing.browser import shot
from servicedesk.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Moments and how they read in Moscow (the installation), Vladivostok (the profile) and New York (the browser).
CREATED = datetime(2030, 2, 27, 21, 30, tzinfo=UTC)  # 28.02 00:30 / 28.02 07:30 / 27.02 16:30
UPDATED = datetime(2030, 2, 28, 5, 10, tzinfo=UTC)  # 08:10 / 15:10 / 00:10
COMMENTED = datetime(2030, 2, 28, 6, 0, tzinfo=UTC)  # 09:00 / 16:00 / 01:00
NOTIFIED = datetime(2030, 2, 28, 7, 45, tzinfo=UTC)  # 10:45 / 17:45 / 02:45
DEADLINE = datetime(2030, 3, 1, 9, 5, tzinfo=UTC)  # 12:05 / 19:05 / 04:05
ONE_FORMAT = re.compile(r"^\d\d\.\d\d\.\d{4} \d\d:\d\d$")


def _ticket_at_known_moments(cast: Cast) -> Ticket:
    ticket = create_ticket(
        actor=cast.operator.user, ticket_type=cast.incident, subject="Часовые пояса", requester_contact=cast.client
    )
    comment = add_comment(ticket=ticket, actor=cast.operator.user, body="Ответ")
    Comment.objects.filter(pk=comment.pk).update(created_at=COMMENTED)
    TicketHistory.objects.filter(ticket=ticket).update(at=CREATED)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=CREATED, updated_at=UPDATED, resolution_deadline=DEADLINE)
    Notification.objects.create(
        user=cast.operator.user, event="ticket.comment", ticket=ticket, title="Новый комментарий", created_at=NOTIFIED
    )
    return ticket


def _bell_time(page) -> str:
    page.locator(".nbell__button").click()
    when = page.locator(".nbell__list time").first
    when.wait_for()
    text = when.inner_text().strip()
    page.locator(".nbell__button").click()
    return text


def test_times_follow_the_profile_zone_not_the_browser(cast: Cast, live_server, browser_session) -> None:
    ticket = _ticket_at_known_moments(cast)
    page = browser_session(live_server.url, "operator", language="ru", timezone_id="America/New_York")

    page.goto("/")
    row = page.locator("#ticket-results tbody tr", has_text="Часовые пояса")
    assert "01.03.2030 12:05" in row.inner_text() and "28.02.2030 08:10" in row.inner_text()  # Moscow
    assert _bell_time(page) == "28.02.2030 10:45"

    page.goto("/profile/")
    page.locator("#id_time_zone").select_option("Asia/Vladivostok")
    page.get_by_role("button", name="Сохранить").click()
    page.locator(".toast--success").wait_for()
    shot(page, "profile-ru", full_page=False)

    page.goto("/")
    row = page.locator("#ticket-results tbody tr", has_text="Часовые пояса")
    assert "01.03.2030 19:05" in row.inner_text() and "28.02.2030 15:10" in row.inner_text()
    bell = _bell_time(page)
    assert bell == "28.02.2030 17:45" and ONE_FORMAT.match(bell)

    page.goto(f"/tickets/{ticket.pk}/")
    details = page.locator(".props").first.inner_text()
    assert "28.02.2030 07:30" in details and "01.03.2030 19:05" in details and "28.02.2030 15:10" in details
    assert "28.02.2030 16:00" in page.locator(f"#comment-{ticket.comments.get().pk} time").inner_text()
    page.goto(f"/tickets/{ticket.pk}/?tab=history")
    stamps = page.locator("table.history time").all_inner_texts()
    assert stamps and all(text == "28.02.2030 07:30" for text in stamps), stamps
    shot(page, "card-history-vladivostok-ru", full_page=False)

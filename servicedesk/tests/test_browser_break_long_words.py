"""A 500-character subject without a single space (issue 11, point 5): the list keeps every column
on screen and the card's title stays inside its header, in Russian and in English. Checked on the
rendered page: element boxes against the window, not the markup."""

from __future__ import annotations

import pytest

from servicedesk.models import Ticket
from servicedesk.services.tickets import add_comment, create_ticket
from servicedesk.testing.browser import (
    assert_across_viewport,
    assert_fits,
    assert_in_viewport,
    assert_no_horizontal_overflow,
    shot,
)
from servicedesk.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = ("Принтер_не_печатает_" * 30)[:500]


def _tickets(cast: Cast) -> Ticket:
    create_ticket(
        actor=cast.operator.user, ticket_type=cast.incident, subject="Короткая тема", requester_contact=cast.client
    )
    ticket = create_ticket(
        actor=cast.operator.user,
        ticket_type=cast.incident,
        subject=LONG,
        description=LONG,
        requester_contact=cast.client,
        service=cast.email_service,
    )
    add_comment(ticket=ticket, actor=cast.operator.user, body=LONG)
    return ticket


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_subject_without_spaces_breaks_instead_of_widening(
    cast: Cast, live_server, browser_session, language
) -> None:
    assert len(LONG) == 500 and " " not in LONG
    ticket = _tickets(cast)
    page = browser_session(live_server.url, "operator", language=language, width=1280, height=800)

    page.goto("/")
    row = page.locator("#ticket-results tbody tr", has_text=LONG[:40])
    row.wait_for()
    assert_no_horizontal_overflow(page)
    for header in page.locator("#ticket-results thead th").all():
        assert_in_viewport(header)  # every column, the last one ("Updated") included
    assert_fits(row.locator(".col-subject"), page.locator("#ticket-results table"))
    assert row.locator(".col-subject").bounding_box()["height"] > 40  # the subject wraps onto lines
    shot(page, f"long-subject-list-{language}", full_page=False)

    page.goto(f"/tickets/{ticket.pk}/")
    title = page.locator(".pagehead--ticket h1")
    title.wait_for()
    assert_no_horizontal_overflow(page)
    assert_fits(title, page.locator(".pagehead--ticket"))
    assert title.evaluate("el => el.scrollWidth <= el.clientWidth")  # nothing hidden inside the title either
    assert_across_viewport(page.locator(".ticket-side .panel").first)  # the side panel stays beside it
    entry = page.locator(".timeline .entry", has_text=LONG[:40]).last
    assert_fits(entry, page.locator(".ticket-main"))
    shot(page, f"long-subject-card-{language}")

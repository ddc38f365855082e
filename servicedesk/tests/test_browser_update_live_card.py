"""A live ticket card (issue 11, point 8): another person's comment and status change appear on an
open card without a reload, and what the user is typing in the comment box stays, focused. Runs
against uvicorn (the card's stream is ASGI) with Redis, and again without Redis (the embedded
default, where the stream polls)."""

from __future__ import annotations

import pytest
from django.db import transaction

from servicedesk.models import TicketStatus
from servicedesk.services.tickets import add_comment, change_status, create_ticket
from servicedesk.testing.browser import assert_in_viewport, assert_readable, shot
from servicedesk.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DRAFT = "Уважаемый Кирилл, мы проверили настройки и"


@pytest.mark.parametrize("redis", [True, False], ids=["redis", "polling"])
def test_others_changes_appear_while_the_draft_stays(
    cast: Cast, asgi_server_factory, browser_session, redis: bool
) -> None:
    ticket = create_ticket(
        actor=cast.operator.user,
        ticket_type=cast.incident,
        subject="Не работает VPN",
        requester_contact=cast.client,
        service=cast.email_service,
    )
    server = asgi_server_factory(redis=redis)
    page = browser_session(server.url, "operator", language="ru", width=1280, height=900)
    page.goto(f"/tickets/{ticket.pk}/")
    page.wait_for_function("document.documentElement.dataset.liveState === 'open'")
    page.evaluate("window.sdNoReload = true")
    composer = page.locator("#id_body")
    composer.click()
    composer.type(DRAFT)

    with transaction.atomic():
        add_comment(ticket=ticket, actor=cast.second_line.user, body="Перезапустил шлюз, проверьте")
    page.locator("#timeline .entry", has_text="Перезапустил шлюз").wait_for()
    note = page.locator("#live-note")
    note.wait_for(state="visible")
    assert cast.second_line.full_name in note.inner_text()
    assert_readable(note)
    assert_in_viewport(note)

    with transaction.atomic():
        change_status(ticket=ticket, actor=cast.second_line.user, status=TicketStatus.IN_PROGRESS)
    page.locator("#ticket-head .badge", has_text="В работе").wait_for()
    page.locator("#ticket-tabs .count", has_text="3").wait_for()  # history: registered, comment, status

    assert page.evaluate("window.sdNoReload === true")
    assert composer.input_value() == DRAFT
    assert page.evaluate("document.activeElement && document.activeElement.id") == "id_body"
    composer.type(" всё работает.")  # the caret is still at the end of the draft
    assert composer.input_value() == DRAFT + " всё работает."
    shot(page, f"live-card-{'redis' if redis else 'polling'}-ru", full_page=False)

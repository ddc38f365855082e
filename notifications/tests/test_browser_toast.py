"""Chromium: one operator comments on a ticket; the responsible operator, on another page, sees the
toast and the unread count change without reloading; after the server goes away and comes back,
the missed notifications arrive and the centre lists every one."""

from __future__ import annotations

import pytest
from django.db import connections, transaction

from notifications import catalogue
from notifications.models import Channel, Notification
from notifications.tests.conftest import session_cookie
from notifications.tests.factories import make_action, new_ticket, only_actions
from servicedesk.services.tickets import add_comment

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 5000


@pytest.fixture
def browser(monkeypatch):
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API keeps an event loop running in this thread, which makes Django refuse
    # ORM calls; the test's own queries are plain synchronous ones, so allow them.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
        # The test body ran in Playwright's greenlet, whose context has its own database
        # connection; close it here, or it outlives the test and blocks dropping the test database.
        connections.close_all()


def _page_for(browser, server, session: str):
    context = browser.new_context(base_url=server.url, locale="en-US")
    context.add_cookies(
        [
            {"name": "sessionid", "value": session, "url": server.url},
            {"name": "django_language", "value": "en", "url": server.url},
        ]
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def _wait_unread(page, count: int) -> None:
    page.wait_for_function(
        "n => { const b = document.querySelector('#notification-bell [data-unread-count]');"
        " return b && !b.hidden && b.textContent.trim() === String(n); }",
        arg=count,
        timeout=TIMEOUT_MS,
    )


def test_toast_and_unread_count_then_catch_up_after_reconnect(cast, client, asgi_server_factory, browser):
    only_actions(
        make_action(
            catalogue.COMMENT_PUBLIC,
            Channel.PUSH,
            to_responsible=True,
            subject_ru="Comment on TICKET_NUMBER",
            body_ru="COMMENT_TEXT",
        )
    )
    ticket = new_ticket(cast, responsible_team=None)
    server = asgi_server_factory()
    commenter = _page_for(browser, server, session_cookie(client, "operator"))
    responsible = _page_for(browser, server, session_cookie(client, "line2"))

    responsible.goto("/")  # the ticket list: any page with the header
    responsible.wait_for_function("document.documentElement.dataset.pushState === 'open'")
    assert responsible.locator("#notification-bell [data-unread-count]").is_hidden()

    commenter.goto(f"/tickets/{ticket.pk}/")
    commenter.locator("#composer textarea[name=body]").fill("Replaced the toner")
    commenter.locator("#composer button[type=submit]").click()
    commenter.wait_for_load_state()

    toast = responsible.locator(".ntoast", has_text="Replaced the toner")
    toast.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert f"Comment on {ticket.pk}" in toast.inner_text()
    _wait_unread(responsible, 1)

    server.stop()  # the browser loses its stream; two notifications happen meanwhile
    responsible.wait_for_function("document.documentElement.dataset.pushState === 'reconnecting'")
    for text in ("While you were away 1", "While you were away 2"):
        with transaction.atomic():
            add_comment(ticket=ticket, actor=cast.operator.user, body=text)
    server.start()

    responsible.locator(".ntoast", has_text="While you were away 2").wait_for(state="attached", timeout=TIMEOUT_MS)
    _wait_unread(responsible, 3)

    responsible.goto("/notifications/")
    items = responsible.locator("#notification-centre-list .ncentre__item").all_inner_texts()
    assert len(items) == 3
    for text in ("Replaced the toner", "While you were away 1", "While you were away 2"):
        assert any(text in item for item in items)
    assert Notification.objects.filter(user=cast.second_line.user).count() == 3

    responsible.locator("[data-centre-read-all]").click()
    responsible.locator("#notification-bell [data-unread-count]").wait_for(state="hidden", timeout=TIMEOUT_MS)
    assert not Notification.objects.filter(user=cast.second_line.user, read_at__isnull=True).exists()

"""What a person sees of push toasts (issue 11, points 1 and 2): readable text (WCAG contrast,
pixels drawn), inside the window, newest on top, at most three at once, the rest in the bell."""

from __future__ import annotations

import pytest
from django.db import transaction

from notifications import catalogue
from notifications.models import Channel
from notifications.tests.factories import make_action, new_ticket, only_actions
from servicedesk.services.tickets import add_comment
from servicedesk.testing.browser import assert_in_viewport, assert_readable, assert_text_drawn, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_toasts_are_readable_and_newest_stay_on_screen(cast, asgi_server_factory, browser_session) -> None:
    only_actions(
        make_action(
            catalogue.COMMENT_PUBLIC,
            Channel.PUSH,
            to_responsible=True,
            subject_ru="Комментарий TICKET_NUMBER",
            body_ru="COMMENT_TEXT",
        )
    )
    ticket = new_ticket(cast, responsible_team=None)
    server = asgi_server_factory()
    page = browser_session(server.url, "line2", width=1280, height=720)
    page.goto("/")
    page.wait_for_function("document.documentElement.dataset.pushState === 'open'")

    with transaction.atomic():
        add_comment(ticket=ticket, actor=cast.operator.user, body="First toast")
    first = page.locator(".ntoast", has_text="First toast")
    first.wait_for(state="visible")
    assert_readable(first.locator("strong"))
    assert_readable(first.locator("span"))
    assert_text_drawn(first)
    assert_in_viewport(first)
    shot(page, "toast-en", full_page=False)

    for n in range(2, 8):
        with transaction.atomic():
            add_comment(ticket=ticket, actor=cast.operator.user, body=f"Burst {n}")
    newest = page.locator(".ntoast", has_text="Burst 7")
    newest.wait_for(state="visible")
    page.wait_for_function("document.querySelectorAll('.ntoast').length <= 3")
    toasts = page.locator(".ntoast")
    assert toasts.count() <= 3
    assert "Burst 7" in toasts.first.inner_text()  # newest on top
    for index in range(toasts.count()):
        assert_in_viewport(toasts.nth(index))
    page.wait_for_function(
        "() => document.querySelector('#notification-bell [data-unread-count]').textContent.trim() === '7'"
    )
    shot(page, "toast-burst-en", full_page=False)

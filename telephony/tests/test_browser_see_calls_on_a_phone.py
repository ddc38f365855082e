"""The calls page on a 375 px phone, in Russian and in English: every call is a card whose "Mark
handled" button is on screen (the table put it off to the right), and the tab reads "Необработанные"
in one word."""

from __future__ import annotations

import pytest

from servicedesk.testing.browser import assert_in_viewport, assert_no_horizontal_overflow, assert_readable, shot
from telephony.testing import wav_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["ru", "en"])
def test_calls_fit_a_phone(cast, phone_settings, post_missed, post_voicemail, live_server, browser_session, language):
    assert post_missed(to="201", call_id="a", caller_id="Anna Client <+7 495 111-11-11>").status_code == 201
    assert (
        post_voicemail(wav_bytes(0.5), to="201", call_id="b", caller_id="Boris <+7 495 222-22-22>").status_code == 201
    )
    page = browser_session(live_server.url, "operator", language=language, width=375, height=812)
    page.goto("/calls/")
    rows = page.locator("table.calls tbody tr.call")
    assert rows.count() == 2
    assert_no_horizontal_overflow(page)
    # Nothing to scroll sideways inside the table either (that is where the button used to hide).
    assert page.locator(".tablewrap").evaluate("el => el.scrollWidth <= el.clientWidth")
    for row in rows.all():
        button = row.locator(".call__state button")
        button.scroll_into_view_if_needed()
        assert_in_viewport(button)
        assert_readable(button)
    if language == "ru":
        assert "Необработанные" in page.locator("#main").inner_text()
    shot(page, f"phone-calls-{language}")

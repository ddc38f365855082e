"""The connection cards as a technologist sees them, in Russian and English (issue 11, points 15,
16, 24 and 13): only the chosen protocol's fields (with and without JavaScript), "Check" and
"Turn off" on both cards, the outcome of a check of the typed values in words, readable and in the
window, and the outbox's recipient column labelled. Screenshots in UI_SHOTS_DIR."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from mailconf.models import IncomingConnection, OutgoingConnection
from mailconf.outbox import enqueue_mail
from servicedesk.testing.banner import BannerServer
from servicedesk.testing.browser import CHROMIUM, assert_in_viewport, assert_readable, session_for, shot
from servicedesk.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "ru": {
        "check": "Проверить",
        "off": "Выключить",
        "connected": "Подключение к",
        "not_smtp": "не отвечает по протоколу SMTP",
    },
    "en": {"check": "Check", "off": "Turn off", "connected": "Connected to", "not_smtp": "does not speak SMTP"},
}


def _outgoing(port: int) -> OutgoingConnection:
    conn = OutgoingConnection.load()
    conn.protocol, conn.host, conn.port, conn.encryption, conn.auth = "smtp", "127.0.0.1", port, "none", False
    conn.from_address, conn.reply_to, conn.sender_name = "desk@example.test", "help@example.test", "Служба"
    conn.save()
    return conn


def _visible(page: Any, field: str) -> bool:
    return bool(page.locator(f".field-{field}").first.is_visible())


@pytest.fixture
def banner() -> Iterator[BannerServer]:
    with BannerServer(b"SSH-2.0-SecretBanner_9000\r\n") as server:
        yield server


@pytest.mark.parametrize("language", ["ru", "en"])
def test_outgoing_card_fields_follow_the_protocol_and_check_says_what_it_did(
    cast: Cast, live_server, browser_session, smtp, banner: BannerServer, settings, language: str
) -> None:
    settings.MAIL_TIMEOUT = 2
    conn = _outgoing(smtp.auth.port)
    words = WORDS[language]
    page = browser_session(live_server.url, cast.technologist.username, language=language, width=1280, height=800)
    page.goto(reverse("admin:mailconf_outgoingconnection_change", args=[conn.pk]))

    assert _visible(page, "host") and _visible(page, "encryption")
    assert not _visible(page, "ews_url") and not _visible(page, "client_id") and not _visible(page, "login")
    page.locator("#id_auth").check()
    assert _visible(page, "login") and _visible(page, "password")
    page.locator("#id_oauth2").check()
    assert _visible(page, "client_id") and not _visible(page, "password")
    page.locator("#id_oauth2").uncheck()
    page.select_option("#id_protocol", "graph")
    assert not _visible(page, "host") and not _visible(page, "oauth2") and _visible(page, "client_id")
    page.select_option("#id_protocol", "ews")
    assert _visible(page, "ews_url") and not _visible(page, "host")
    page.select_option("#id_protocol", "smtp")

    # Typed, not saved: the login of the authenticating test server.
    page.fill("#id_login", "mailer")
    page.fill("#id_password", "mailer-Pass-1")
    page.get_by_role("button", name=words["check"], exact=True).click()
    message = page.locator(".messagelist li.success")
    message.wait_for()
    assert words["connected"] in message.inner_text()
    assert_in_viewport(message)
    assert_readable(message)
    assert page.locator("#id_login").input_value() == "mailer"  # the typed values are still there
    shot(page, f"outgoing-check-ok-{language}", full_page=False)
    assert OutgoingConnection.load().auth is False  # nothing saved

    page.fill("#id_port", str(banner.port))
    page.fill("#id_password", "mailer-Pass-1")  # write-only: never rendered back, typed again
    page.get_by_role("button", name=words["check"], exact=True).click()
    error = page.locator(".messagelist li.error")
    error.wait_for()
    assert words["not_smtp"] in error.inner_text() and "SecretBanner" not in page.content()
    assert_in_viewport(error)
    assert_readable(error)
    shot(page, f"outgoing-check-not-smtp-{language}", full_page=False)


def test_fields_follow_the_protocol_without_javascript(cast: Cast, live_server, chromium, smtp) -> None:
    conn = _outgoing(smtp.plain.port)
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False, locale="ru-RU")
    context.add_cookies(
        [
            {"name": "sessionid", "value": session_for(cast.technologist.username), "url": live_server.url},
            {"name": "django_language", "value": "ru", "url": live_server.url},
        ]
    )
    page = context.new_page()
    page.goto(reverse("admin:mailconf_outgoingconnection_change", args=[conn.pk]))
    assert not _visible(page, "ews_url") and _visible(page, "host")
    page.select_option("#id_protocol", "ews")
    assert _visible(page, "ews_url") and not _visible(page, "host")
    shot(page, "outgoing-ews-no-js-ru", full_page=False)
    context.close()
    assert CHROMIUM


@pytest.mark.parametrize("language", ["ru", "en"])
def test_incoming_card_has_check_and_turn_off(cast: Cast, live_server, browser_session, language: str) -> None:
    conn = IncomingConnection(name="Поддержка", protocol="pop3", host="127.0.0.1", port=1, encryption="none")
    conn.login, conn.password = "support@example.test", "pw"
    conn.save()
    words = WORDS[language]
    page = browser_session(live_server.url, cast.technologist.username, language=language, width=1280, height=800)
    page.goto(reverse("admin:mailconf_incomingconnection_change", args=[conn.pk]))
    check = page.get_by_role("button", name=words["check"], exact=True)
    off = page.get_by_role("button", name=words["off"], exact=True)
    assert_in_viewport(check)
    assert_in_viewport(off)
    assert not _visible(page, "folders") and not _visible(page, "ews_url") and _visible(page, "host")
    page.select_option("#id_protocol", "imap")
    assert _visible(page, "folders")
    page.select_option("#id_protocol", "pop3")
    shot(page, f"incoming-card-{language}", full_page=False)
    off.click()
    page.wait_for_load_state()
    conn.refresh_from_db()
    assert conn.enabled is False


@pytest.mark.parametrize(("language", "header"), [("ru", "КОМУ"), ("en", "ADDRESSED TO")])
def test_outbox_column_is_labelled(cast: Cast, live_server, browser_session, language: str, header: str) -> None:
    enqueue_mail(to=["someone@example.test"], subject="Проверка", text="t", kind="system", schedule=False)
    page = browser_session(live_server.url, cast.technologist.username, language=language, width=1280, height=800)
    page.goto(reverse("admin:mailconf_outboxmessage_changelist"))
    headers = [h.strip().upper() for h in page.locator("#result_list thead th").all_inner_texts()]
    assert header in headers and "TO DISPLAY" not in headers
    shot(page, f"outbox-list-{language}", full_page=False)


@pytest.mark.parametrize(
    ("language", "label", "default"),
    [
        ("ru", "Ответы на закрытые заявки", "зарегистрировать новую заявку, связанную с закрытой"),
        ("en", "Replies to closed tickets", "register a new ticket linked to the closed one"),
    ],
)
def test_incoming_card_shows_what_replies_to_closed_tickets_become(
    cast: Cast, live_server, browser_session, language: str, label: str, default: str
) -> None:
    conn = IncomingConnection(name="Поддержка", protocol="pop3", host="127.0.0.1", port=1, encryption="none")
    conn.login, conn.password = "support@example.test", "pw"
    conn.save()
    page = browser_session(live_server.url, cast.technologist.username, language=language, width=1280, height=800)
    page.goto(reverse("admin:mailconf_incomingconnection_change", args=[conn.pk]))
    for protocol in ("pop3", "imap", "ews", "graph"):  # a processing rule, whatever the protocol
        page.select_option("#id_protocol", protocol)
        assert _visible(page, "closed_tickets")
    page.select_option("#id_protocol", "pop3")
    select = page.get_by_label(label)
    select.scroll_into_view_if_needed()
    assert_readable(page.locator(".field-closed_tickets label").first)
    assert select.locator("option:checked").inner_text() == default
    select.select_option("reject")
    page.locator("input[name=_continue]").click()
    page.wait_for_load_state()
    conn.refresh_from_db()
    assert conn.closed_tickets == "reject"

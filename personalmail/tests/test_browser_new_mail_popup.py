"""Chromium: `manage.py mail_idle` holds IDLE on the employee's mailbox; mail delivered to Dovecot
pops up on the open page with its author and subject, readable, and clicking it opens the message
(which is then read on the server too)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from imapclient import SEEN

from servicedesk.testing.browser import assert_in_viewport, assert_readable, shot

from .conftest import imap_session, make_mail

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
MANAGE = Path(settings.BASE_DIR) / "manage.py"
TIMEOUT_MS = 8000


def _mail_idle(dovecot):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "servicedesk.settings_test"),
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "MAIL_CA_FILE": str(dovecot.cert_path),
        "REDIS_URL": settings.REDIS_URL,
    }
    return subprocess.Popen(
        [sys.executable, str(MANAGE), "mail_idle", "--no-connections", "--rescan", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_new_mail_pops_up_and_opens_the_message(cast, connect, mail_servers, asgi_server_factory, browser_session):
    dovecot, _smtp = mail_servers
    connect(cast.operator.user, "user1")
    server = asgi_server_factory(MAIL_CA_FILE=str(dovecot.cert_path))
    watcher = _mail_idle(dovecot)
    try:
        page = browser_session(server.url, cast.operator.user.username)
        page.set_default_timeout(TIMEOUT_MS)
        page.goto("/mailbox/")
        page.wait_for_function("document.documentElement.dataset.pushState === 'open'")
        page.wait_for_timeout(2500)  # mail_idle: start-up, first synchronisation, IDLE
        dovecot.deliver("user1", make_mail("Договор на подпись", sender="Борис Партнёров <boris@partner.example>"))

        toast = page.locator(".ntoast", has_text="Договор на подпись")
        toast.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert "Борис Партнёров" in toast.inner_text()
        assert_readable(toast)
        assert_in_viewport(toast)
        # The list on screen follows without a reload.
        page.locator("#mail-messages", has_text="Договор на подпись").wait_for(state="visible")
        shot(page, "personalmail-new-mail-popup", full_page=False)
        toast.click()
        page.locator("#mail-subject").wait_for(state="visible")
        assert page.locator("#mail-subject").inner_text() == "Договор на подпись"
        assert "boris@partner.example" in page.locator("#mail-from").inner_text()
        folders = page.locator(".mail-folders a").all_inner_texts()
        assert folders[:2] == ["Inbox", "Sent"]
        assert_readable(page.locator("#mail-body"))
        shot(page, "personalmail-message")
    finally:
        watcher.send_signal(signal.SIGTERM)
        out, err = watcher.communicate(timeout=30)
    assert "watching personal mailboxes" in out, err[-2000:]
    with imap_session(dovecot, "user1") as other:
        other.select_folder("INBOX", readonly=True)
        assert [SEEN in flags for flags in other.get_flags(other.search(["ALL"])).values()] == [True]
    # `connect` ran in this (Playwright's) context, which has a database connection of its own.
    connections.close_all()


def test_settings_show_the_provider_hint_next_to_the_password(cast, live_server, browser_session):
    page = browser_session(live_server.url, cast.operator.user.username)
    page.goto("/mailbox/settings/")
    page.select_option("select[name=service]", "yandex")
    hint = page.locator("#hint-yandex")
    assert hint.is_visible() and "App passwords and OAuth tokens" in hint.inner_text()
    assert_readable(hint)
    assert page.locator("#hint-gmail").is_hidden()
    assert page.locator("[data-servers]").is_hidden()  # a preset fills the servers in
    password = page.locator("input[name=password]").bounding_box()
    box = hint.bounding_box()
    assert password and box and 0 <= box["y"] - (password["y"] + password["height"]) < 80  # right under the field
    page.select_option("select[name=service]", "other")
    assert page.locator("[data-servers]").is_visible() and hint.is_hidden()
    shot(page, "personalmail-settings")
    connections.close_all()

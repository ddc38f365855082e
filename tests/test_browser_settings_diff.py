"""A technologist uploads a settings file and sees, in either language, what it would change:
removed lines and added lines readable on their colours, nothing applied until "Apply all"."""

from __future__ import annotations

import json

import pytest

from servicedesk.testing.browser import assert_readable
from servicedesk.testing.cast import Cast
from webhooks.models import Webhook

pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["ru", "en"])
def test_diff_page_shows_changes_then_applies(cast: Cast, live_server, browser_session, language, tmp_path) -> None:
    from mailconf.connections import export_settings

    hook = Webhook(name="CMDB", url="https://cmdb.example/hook")
    hook.secret = "k"
    hook.save()
    data = {k: v for k, v in export_settings().items() if k not in ("outgoing", "company", "admin_email", "incoming")}
    data["webhooks"][0]["url"] = "https://cmdb.example/v2/hook"
    file = tmp_path / "settings.json"
    file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    page = browser_session(live_server.url, cast.technologist.username, language=language)
    page.goto("/admin/mailconf/outgoingconnection/settings-as-code/")
    page.locator("#settings-file").set_input_files(str(file))
    page.locator("button[name=preview]").click()
    removed = page.locator('[data-section="webhooks"] .diff-del')
    added = page.locator('[data-section="webhooks"] .diff-add')
    assert '"https://cmdb.example/hook"' in removed.inner_text()
    assert '"https://cmdb.example/v2/hook"' in added.inner_text()
    assert_readable(removed)
    assert_readable(added)
    assert Webhook.objects.get().url == "https://cmdb.example/hook"

    page.locator("button[name=apply]").click()
    page.locator(".messagelist .success").wait_for()
    assert Webhook.objects.get().url == "https://cmdb.example/v2/hook"

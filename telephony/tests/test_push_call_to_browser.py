"""Chromium: an employee has a page open; the PBX reports a missed call and then a voicemail over
HTTP to the same ASGI server; the toasts appear without reloading, and on the calls page the
recording plays through the permission-checked view."""

from __future__ import annotations

import json
import urllib.request
import uuid

import pytest

from notifications.models import Notification
from notifications.tests.conftest import session_cookie
from notifications.tests.test_browser_toast import _page_for, browser  # noqa: F401,F811
from telephony.testing import pbx_token, wav_bytes

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
TIMEOUT_MS = 8000


def _post(url: str, token: str, body: bytes, content_type: str) -> dict:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Authorization": f"Bearer {token}", "Content-Type": content_type}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
        return json.loads(response.read())


def _multipart(fields: dict[str, str], audio: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="audio"; filename="msg0000.wav"\r\n'
        "Content-Type: audio/x-wav\r\n\r\n".encode()
        + audio
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_missed_call_and_voicemail_reach_the_open_page(cast, client, asgi_server_factory, browser, phone_settings):  # noqa: F811
    token = pbx_token()
    server = asgi_server_factory()
    page = _page_for(browser, server, session_cookie(client, "operator"))
    page.goto("/calls/")
    page.wait_for_function("document.documentElement.dataset.pushState === 'open'")

    _post(
        f"{server.url}/api/pbx/v1/missed-calls",
        token,
        json.dumps(
            {"caller_id": '"Kirill Client" <+74951234567>', "to": "201", "date": "2025-03-14T09:26:53+03:00"}
        ).encode(),
        "application/json",
    )
    toast = page.locator(".ntoast", has_text="Kirill Client")
    toast.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert "201" in toast.inner_text()

    body, content_type = _multipart(
        {"caller_id": "Vera Voice <+74957654321>", "to": "201", "date": "2025-03-14T10:00:00+03:00"},
        wav_bytes(1.0),
    )
    stored = _post(f"{server.url}/api/pbx/v1/voicemails", token, body, content_type)
    page.locator(".ntoast", has_text="Vera Voice").wait_for(state="visible", timeout=TIMEOUT_MS)
    assert Notification.objects.filter(user=cast.operator.user).count() == 2

    page.goto("/calls/")
    row = page.locator(f"#call-{stored['id']}")
    row.wait_for(state="visible")
    assert row.locator("audio").is_visible()
    duration = page.evaluate(
        """id => new Promise((resolve, reject) => {
            const audio = document.querySelector(`#call-${id} audio`);
            audio.addEventListener('loadedmetadata', () => resolve(audio.duration));
            audio.addEventListener('error', () => reject(new Error('audio failed to load')));
            audio.load();
        })""",
        stored["id"],
    )
    assert 0.9 < duration < 1.1
    row.locator("button", has_text="Mark handled").click()
    row.locator(".call__done").wait_for(state="visible")

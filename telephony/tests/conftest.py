"""Fixtures of the telephony tests: a PBX token, an API caller, the mail connection of the
notification tests (real SMTP server) and a settings row with known addresses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from notifications.tests.conftest import committed, outgoing  # noqa: F401
from servicedesk import labels
from telephony.models import TelephonySettings, _settings_cache
from telephony.services.tokens import _remembered
from telephony.testing import pbx_token

MISSED_URL = "/api/pbx/v1/missed-calls"
VOICEMAIL_URL = "/api/pbx/v1/voicemails"
FALLBACK = "missed@corp.example"
VOICEMAIL_BOX = "voicemail@corp.example"


@pytest.fixture(autouse=True)
def own_media(settings: Any, tmp_path: Any) -> None:
    """Each test its own MEDIA_ROOT, so "no file left behind" is checked on this test's files only."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def fresh_settings_row() -> None:
    """The intake's few-seconds copies (settings row, tokens) must not outlive the test that read them."""
    _settings_cache.clear()
    _remembered.clear()
    labels.forget()


@pytest.fixture
def token(db: None) -> str:
    return pbx_token()


@pytest.fixture
def phone_settings(db: None) -> TelephonySettings:
    config = TelephonySettings.load()
    config.missed_calls_email = FALLBACK
    config.voicemail_email = VOICEMAIL_BOX
    config.missed_window_seconds = 0
    config.save()
    return config


def call_payload(**fields: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "caller_id": '"Alexey Portnov" <+7 912 345-67-89>',
        "to": "201",
        "duration": 17,
        "date": "2025-03-14T09:26:53+03:00",
        "cause": "NOANSWER",
        "call_id": "1710397613.42",
    }
    payload.update(fields)
    return {key: value for key, value in payload.items() if value is not None}


@pytest.fixture
def post_missed(client: Client, token: str) -> Callable[..., Any]:
    def post(payload: dict[str, Any] | None = None, *, auth: str | None = None, **fields: Any) -> Any:
        headers = {"Authorization": auth if auth is not None else f"Bearer {token}"}
        body = payload if payload is not None else call_payload(**fields)
        return client.post(MISSED_URL, body, content_type="application/json", headers=headers)

    return post


@pytest.fixture
def post_voicemail(client: Client, token: str) -> Callable[..., Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    def post(
        audio: bytes | None,
        *,
        filename: str = "msg0000.wav",
        content_type: str = "audio/x-wav",
        auth: str | None = None,
        **fields: Any,
    ) -> Any:
        data: dict[str, Any] = call_payload(**fields)
        if audio is not None:
            data["audio"] = SimpleUploadedFile(filename, audio, content_type=content_type)
        headers = {"Authorization": auth if auth is not None else f"Bearer {token}"}
        return client.post(VOICEMAIL_URL, data, headers=headers)

    return post

"""Bad payloads get 400 naming the field at fault (409 for a reused call id, 413 for an oversized
recording) and nothing is stored: no call, no file, no mail, no notification."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings

from mailconf.models import OutboxMessage
from notifications.models import Occurrence
from telephony.models import MissedCallDigest, PbxCall
from telephony.testing import mp3_bytes, wav_bytes

from .conftest import MISSED_URL, call_payload

pytestmark = pytest.mark.django_db


def _nothing_stored() -> None:
    assert not PbxCall.objects.exists()
    assert not MissedCallDigest.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert not Occurrence.objects.exists()
    media = Path(settings.MEDIA_ROOT) / "telephony"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def _fields(response) -> list[str]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"]
    return [error["field"] for error in body["errors"]]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date": "2025-03-14T09:26:53"}, "date"),  # no UTC offset
        ({"date": "yesterday"}, "date"),
        ({"date": None}, "date"),
        ({"to": ""}, "to"),
        ({"to": None}, "to"),
        ({"duration": -5}, "duration"),
        ({"duration": "long"}, "duration"),
        ({"call_id": "x" * 200}, "call_id"),
        ({"caller_id": "y" * 300}, "caller_id"),
    ],
)
def test_bad_missed_call_names_the_field(post_missed, phone_settings, change, field):
    assert _fields(post_missed(**change)) == [field]
    _nothing_stored()


def test_broken_json_and_non_objects_are_400(client, token, phone_settings):
    headers = {"Authorization": f"Bearer {token}"}
    broken = client.post(MISSED_URL, "{not json", content_type="application/json", headers=headers)
    assert broken.status_code == 400 and "parse" in broken.json()["detail"]
    listed = client.post(MISSED_URL, json.dumps([1, 2]), content_type="application/json", headers=headers)
    assert listed.status_code == 400 and "parse" in listed.json()["detail"]
    _nothing_stored()


def test_form_encoded_body_is_accepted_as_curl_from_the_dialplan_sends_it(client, token, phone_settings):
    response = client.post(
        MISSED_URL,
        "caller_id=%22Alexey%20Portnov%22%20%3C101%3E&to=201&duration=17&date=2025-03-14T09%3A26%3A53%2B0300&cause=BUSY",
        content_type="application/x-www-form-urlencoded",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.content
    call = PbxCall.objects.get()
    assert (call.caller_id, call.caller_name, call.caller_number, call.cause) == (
        '"Alexey Portnov" <101>',
        "Alexey Portnov",
        "101",
        "BUSY",
    )
    assert call.called_at.utcoffset() is not None and call.called_at.isoformat().startswith("2025-03-14T06:26:53")


def test_voicemail_that_is_not_audio_is_refused_by_content(post_voicemail, phone_settings):
    fake = b"RIFF\x00\x00\x00\x00WAVEnot really a wave file at all" * 3
    assert _fields(post_voicemail(fake, filename="msg0000.wav")) == ["audio"]
    assert _fields(post_voicemail(b"#!/bin/sh\nrm -rf /\n", filename="evil.mp3", content_type="audio/mpeg")) == [
        "audio"
    ]
    _nothing_stored()


def test_voicemail_without_audio_names_it(post_voicemail, phone_settings):
    assert _fields(post_voicemail(None)) == ["audio"]
    _nothing_stored()


def test_voicemail_bad_field_is_400_and_leaves_no_file(post_voicemail, phone_settings):
    assert _fields(post_voicemail(wav_bytes(0.2), date="not a date")) == ["date"]
    _nothing_stored()


def test_oversized_recording_is_413(post_voicemail, phone_settings, settings):
    settings.TELEPHONY_AUDIO_MAX_BYTES = 20_000
    response = post_voicemail(wav_bytes(2.0))  # 32 KB
    assert response.status_code == 413, response.content
    assert response.json()["errors"][0]["field"] == "audio"
    _nothing_stored()
    assert post_voicemail(wav_bytes(0.5)).status_code == 201  # 8 KB: under the limit


def test_oversized_request_is_413_before_reading_it(client, token, phone_settings, settings):
    settings.TELEPHONY_AUDIO_MAX_BYTES = 10_000
    body = b"x" * 400_000
    response = client.generic(
        "POST",
        "/api/pbx/v1/voicemails",
        body,
        content_type="multipart/form-data; boundary=zzz",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 413
    _nothing_stored()


def test_reused_call_id_for_another_call_is_409(post_missed, phone_settings):
    assert post_missed().status_code == 201
    response = post_missed(caller_id="Someone else <555>")
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "call_id"
    assert PbxCall.objects.count() == 1


def test_mp3_with_a_wrong_name_is_kept_as_mp3(post_voicemail, phone_settings):
    response = post_voicemail(mp3_bytes(1.0), filename="message.wav", content_type="application/octet-stream")
    assert response.status_code == 201, response.content
    call = PbxCall.objects.get()
    assert call.audio_type == "audio/mpeg" and call.audio_name == "message.wav"
    assert call.audio_seconds and 0.9 < call.audio_seconds < 1.2
    assert call_payload()["call_id"] == call.call_id

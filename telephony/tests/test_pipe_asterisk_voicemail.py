"""contrib/asterisk/vm_to_servicedesk.py, Asterisk's `mailcmd`, turns the voicemail mail Asterisk
writes into an API call against the real ASGI server: the recording arrives byte for byte, and the
same mail piped twice is stored once."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from email.message import EmailMessage
from pathlib import Path

import pytest

from notifications.tests.conftest import session_cookie
from telephony.models import PbxCall
from telephony.testing import pbx_token, wav_bytes

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
SCRIPT = Path(__file__).resolve().parents[2] / "contrib" / "asterisk" / "vm_to_servicedesk.py"


def _asterisk_mail(recording: bytes) -> bytes:
    """A voicemail notification as app_voicemail writes it with the emailbody of the script's doc."""
    message = EmailMessage()
    message["From"] = "Asterisk PBX <asterisk@pbx.example>"
    message["To"] = "Anna <operator@corp.example>"
    message["Subject"] = "[PBX]: New message 3 in mailbox 201"
    message.set_content(
        'caller_id="Кирилл Клиентов" <+74951234567>\nto=201\nduration=0:07\ndate=2025-03-14T09:26:53+0300\nmsgnum=3\n'
    )
    message.add_attachment(recording, maintype="audio", subtype="x-wav", filename="msg0003.wav")
    return bytes(message)


def _pipe(server_url: str, token: str, raw: bytes) -> subprocess.CompletedProcess:
    env = {"SERVICEDESK_URL": server_url, "SERVICEDESK_TOKEN": token, "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, str(SCRIPT)], input=raw, env=env, capture_output=True, timeout=60)


def test_voicemail_mail_becomes_a_call_once(cast, client, asgi_server_factory, phone_settings):
    token = pbx_token("Asterisk")
    server = asgi_server_factory()
    recording = wav_bytes(0.7)
    raw = _asterisk_mail(recording)
    first = _pipe(server.url, token, raw)
    assert first.returncode == 0, first.stderr
    again = _pipe(server.url, token, raw)
    assert again.returncode == 0, again.stderr
    call = PbxCall.objects.get()
    assert (call.caller_name, call.caller_number, call.to, call.duration) == (
        "Кирилл Клиентов",
        "+74951234567",
        "201",
        7,
    )
    assert call.audio_name == "msg0003.wav" and call.audio_type == "audio/x-wav"
    # The server process keeps its own media folder: fetch the recording the way the page does.
    request = urllib.request.Request(
        f"{server.url}/calls/{call.pk}/audio", headers={"Cookie": f"sessionid={session_cookie(client, 'system')}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.read() == recording


def test_unreachable_service_desk_is_a_temporary_failure(db):
    result = _pipe("http://127.0.0.1:9", "pbx_x", _asterisk_mail(wav_bytes(0.1)))
    assert result.returncode == 75 and "unreachable" in result.stderr.decode()


def test_mail_without_recording_is_refused(db):
    message = EmailMessage()
    message.set_content("caller_id=101\nto=201\ndate=2025-03-14T09:26:53+0300\n")
    result = _pipe("http://127.0.0.1:9", "pbx_x", bytes(message))
    assert result.returncode == 65 and "no recording" in result.stderr.decode()

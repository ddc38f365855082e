#!/usr/bin/env python3
"""Asterisk voicemail → service desk: a `mailcmd` for voicemail.conf (Python 3 standard library only).

Asterisk pipes every voicemail notification, recording attached, to `mailcmd` instead of sendmail.
This script reads that message from standard input, takes the recording and the values written by
the `emailbody` below, and POSTs them to the service desk's /api/pbx/v1/voicemails. It exits 0
when the service desk stored the message (201, or 200 for a repeat), 75 (EX_TEMPFAIL) when it
could not be reached, so a wrapper can retry, and 65 (EX_DATAERR) when the message is unusable.

voicemail.conf:

    [general]
    attach=yes
    format=wav49|wav
    mailcmd=/usr/local/bin/vm_to_servicedesk.py
    emaildateformat=%Y-%m-%dT%H:%M:%S%z
    emailbody=caller_id=${VM_CALLERID}\\nto=${VM_MAILBOX}\\nduration=${VM_DUR}\\ndate=${VM_DATE}\\nmsgnum=${VM_MSGNUM}\\n

Environment (or /etc/default/vm_to_servicedesk with KEY=value lines): SERVICEDESK_URL (e.g.
https://desk.example.com) and SERVICEDESK_TOKEN (from `manage.py pbx_token create NAME`).
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import json
import os
import sys
import urllib.error
import urllib.request
import uuid
from email.message import EmailMessage
from pathlib import Path

EX_DATAERR, EX_TEMPFAIL = 65, 75
DEFAULTS_FILE = Path("/etc/default/vm_to_servicedesk")


def settings() -> tuple[str, str]:
    values = dict(os.environ)
    if DEFAULTS_FILE.exists():
        for line in DEFAULTS_FILE.read_text().splitlines():
            key, _, value = line.partition("=")
            if key.strip() and not line.lstrip().startswith("#"):
                values.setdefault(key.strip(), value.strip())
    return values.get("SERVICEDESK_URL", "").rstrip("/"), values.get("SERVICEDESK_TOKEN", "")


def seconds(duration: str) -> int:
    """Asterisk's VM_DUR is "M:SS"; plain seconds are accepted too."""
    minutes, _, rest = duration.strip().rpartition(":")
    return int(minutes or 0) * 60 + int(rest or 0)


def fields_and_recording(message: EmailMessage) -> tuple[dict[str, str], tuple[str, str, bytes]]:
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    fields = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() in {"caller_id", "to", "duration", "date", "msgnum", "call_id"}:
            fields[key.strip()] = value.strip()
    for part in message.iter_attachments():
        if part.get_content_maintype() == "audio" or (part.get_filename() or "").lower().endswith((".wav", ".mp3")):
            return fields, (
                part.get_filename() or "voicemail.wav",
                part.get_content_type(),
                part.get_payload(decode=True),
            )
    raise ValueError("the message has no recording attached (attach=yes in voicemail.conf)")


def multipart(fields: dict[str, str], recording: tuple[str, str, bytes]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    chunks = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode() + b"\r\n"
        for name, value in fields.items()
    ]
    filename, content_type, content = recording
    chunks.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="audio"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    return b"".join(chunks) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def main() -> int:
    url, token = settings()
    if not url or not token:
        print("SERVICEDESK_URL and SERVICEDESK_TOKEN must be set", file=sys.stderr)
        return EX_DATAERR
    try:
        message = email.message_from_binary_file(sys.stdin.buffer, policy=email.policy.default)
        fields, recording = fields_and_recording(message)  # type: ignore[arg-type]
        # The same message piped twice (a retry) gets the same call id: stored once.
        identity = "|".join(fields.get(k, "") for k in ("to", "date", "caller_id", "msgnum"))
        payload = {
            "caller_id": fields.get("caller_id", ""),
            "to": fields["to"],
            "duration": str(seconds(fields.get("duration", "0") or "0")),
            "date": fields["date"],
            "call_id": fields.get("call_id") or "vm-" + hashlib.sha256(identity.encode()).hexdigest()[:24],
        }
    except (KeyError, ValueError) as error:
        print(f"unusable voicemail message: {error}", file=sys.stderr)
        return EX_DATAERR
    body, content_type = multipart(payload, recording)
    request = urllib.request.Request(
        f"{url}/api/pbx/v1/voicemails",
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            print(json.loads(response.read()))
            return 0
    except urllib.error.HTTPError as error:
        print(f"service desk refused the voicemail ({error.code}): {error.read()[:500]!r}", file=sys.stderr)
        return EX_TEMPFAIL if error.code >= 500 else EX_DATAERR
    except OSError as error:
        print(f"service desk unreachable: {error}", file=sys.stderr)
        return EX_TEMPFAIL


if __name__ == "__main__":
    sys.exit(main())

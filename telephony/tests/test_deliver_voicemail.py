"""A voicemail reaches every employee who missed the call and the single voicemail address, the
recording attached byte for byte with its file name and content type, through a real SMTP server."""

from __future__ import annotations

import pytest

from servicedesk.models import Employee
from telephony.models import PbxCall
from telephony.testing import mp3_bytes, wav_bytes

from .conftest import VOICEMAIL_BOX

pytestmark = pytest.mark.django_db(transaction=True)


def _attachment(message):
    [part] = list(message.iter_attachments())
    return part


def test_fan_out_to_each_employee_and_the_voicemail_address(cast, smtp, outgoing, phone_settings, post_voicemail):
    recording = wav_bytes(1.5)
    response = post_voicemail(recording, to="201,202", filename="msg0003.wav", content_type="audio/x-wav", duration=0)
    assert response.status_code == 201, response.content

    received = smtp.plain.wait_for_messages(3)
    assert sorted(r.rcpt_tos[0] for r in received) == sorted(
        ["operator@corp.example", "line2@corp.example", VOICEMAIL_BOX]
    )
    for item in received:
        message = item.parsed()
        part = _attachment(message)
        assert part.get_filename() == "msg0003.wav"
        assert part.get_content_type() == "audio/x-wav"
        assert part.get_content() == recording  # byte-exact after base64 and SMTP
        assert "Alexey Portnov" in message["Subject"] and "(0:02)" in message["Subject"]  # length from the file
    call = PbxCall.objects.get()
    assert sorted(entry["address"] for entry in call.mailed) == sorted(
        ["operator@corp.example", "line2@corp.example", VOICEMAIL_BOX]
    )
    with call.audio.open("rb") as stored:
        assert stored.read() == recording


def test_voicemail_after_a_missed_call_reaches_who_missed_it(
    cast, smtp, outgoing, phone_settings, post_missed, post_voicemail
):
    assert post_missed(to="202", call_id="linked-1").status_code == 201
    smtp.plain.wait_for_messages(1)  # the missed-call mail
    recording = mp3_bytes(2.0)
    response = post_voicemail(
        recording, to="8000", call_id="linked-1", filename="voicemail.mp3", content_type="audio/mpeg"
    )
    assert response.status_code == 201, response.content
    received = smtp.plain.wait_for_messages(3)[1:]
    assert sorted(r.rcpt_tos[0] for r in received) == sorted(["line2@corp.example", VOICEMAIL_BOX])
    part = _attachment(received[0].parsed())
    assert (part.get_filename(), part.get_content_type(), part.get_content()) == (
        "voicemail.mp3",
        "audio/mpeg",
        recording,
    )


def test_employee_without_email_still_leaves_the_voicemail_address(
    cast, smtp, outgoing, phone_settings, post_voicemail
):
    Employee.objects.filter(pk=cast.operator.pk).update(email="")
    assert post_voicemail(wav_bytes(0.3), to="201").status_code == 201
    [received] = smtp.plain.wait_for_messages(1)
    assert received.rcpt_tos == [VOICEMAIL_BOX]


def test_retried_voicemail_is_stored_and_mailed_once(cast, smtp, outgoing, phone_settings, post_voicemail):
    recording = wav_bytes(0.4)
    first = post_voicemail(recording, to="201")
    again = post_voicemail(recording, to="201")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and again.json()["created"] is False
    smtp.plain.wait_for_messages(2)
    assert len(smtp.plain.messages) == 2  # the employee and the voicemail address, once each
    assert PbxCall.objects.count() == 1

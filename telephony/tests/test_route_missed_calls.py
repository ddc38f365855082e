"""A missed call reaches, through the outbox and a real SMTP server, the employee whose extension
or mobile number was called; else the technologist's address for missed calls."""

from __future__ import annotations

import pytest

from mailconf.models import OutboxMessage
from notifications.tests.conftest import SIGNATURE
from servicedesk.models import Employee
from telephony.models import MissedCallDigest, PbxCall

from .conftest import FALLBACK

pytestmark = pytest.mark.django_db(transaction=True)


def _text(received) -> str:
    return received.parsed().get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def test_extension_reaches_the_employee_with_every_placeholder(cast, smtp, outgoing, phone_settings, post_missed):
    phone_settings.missed_subject_en = "Missed: NOTIFICATION_CALLERID → NOTIFICATION_TO"
    phone_settings.missed_body_en = (
        "cause=NOTIFICATION_MISSEDCAUSE id=NOTIFICATION_CALLERID to=NOTIFICATION_TO "
        "dur=NOTIFICATION_DURATION date=NOTIFICATION_DATE name=NOTIFICATION_CALLER_NAME "
        "num=NOTIFICATION_CALLER_NUM who=RECIPIENT_NAME"
    )
    phone_settings.missed_footer_en = "See CALLS_URL"
    phone_settings.save()
    Employee.objects.filter(pk=cast.operator.pk).update(language="en")

    response = post_missed(to="201", cause="NOANSWER", duration=23)
    assert response.status_code == 201, response.content

    [received] = smtp.plain.wait_for_messages(1)
    assert received.rcpt_tos == ["operator@corp.example"]
    message = received.parsed()
    assert message["Subject"] == 'Missed: "Alexey Portnov" <+7 912 345-67-89> → 201'
    text = _text(received)
    assert (
        'cause=NOANSWER id="Alexey Portnov" <+7 912 345-67-89> to=201 dur=23 date=14.03.2025 09:26 '
        "name=Alexey Portnov num=+7 912 345-67-89 who=Иванова Анна"
    ) in text
    call = PbxCall.objects.get()
    assert f"See http://127.0.0.1:8000/calls/#call-{call.pk}" in text
    assert SIGNATURE.splitlines()[0] in text
    assert list(call.employees.all()) == [cast.operator]


def test_mobile_number_reaches_the_employee(cast, smtp, outgoing, phone_settings, post_missed):
    Employee.objects.filter(pk=cast.second_line.pk).update(mobile_phone="8 (912) 000-11-22")
    assert post_missed(to="+79120001122").status_code == 201
    [received] = smtp.plain.wait_for_messages(1)
    assert received.rcpt_tos == ["line2@corp.example"]


def test_unmatched_call_goes_to_the_fallback_address(cast, smtp, outgoing, phone_settings, post_missed, settings):
    settings.LANGUAGE_CODE = "ru"
    assert post_missed(to="999").status_code == 201
    [received] = smtp.plain.wait_for_messages(1)
    assert received.rcpt_tos == [FALLBACK]
    assert "Пропущенный вызов" in received.parsed()["Subject"]  # the installation's language


def test_employee_without_email_falls_back(cast, smtp, outgoing, phone_settings, post_missed):
    Employee.objects.filter(pk=cast.operator.pk).update(email="")
    assert post_missed(to="201").status_code == 201
    [received] = smtp.plain.wait_for_messages(1)
    assert received.rcpt_tos == [FALLBACK]
    assert list(PbxCall.objects.get().employees.all()) == [cast.operator]


def test_ring_group_reaches_each_employee_and_the_fallback_for_the_one_without_mail(
    cast, smtp, outgoing, phone_settings, post_missed
):
    Employee.objects.filter(pk=cast.second_line.pk).update(email="")
    assert post_missed(to="SIP/201&PJSIP/202-0000001a").status_code == 201
    received = smtp.plain.wait_for_messages(2)
    assert sorted(r.rcpt_tos[0] for r in received) == sorted(["operator@corp.example", FALLBACK])


def test_nobody_to_tell_is_noted_on_the_call(cast, outgoing, phone_settings, post_missed):
    phone_settings.missed_calls_email = ""
    phone_settings.save()
    assert post_missed(to="999").status_code == 201
    assert "no recipient" in PbxCall.objects.get().mail_note
    assert not OutboxMessage.objects.exists() and not MissedCallDigest.objects.exists()

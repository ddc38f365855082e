"""Dates of calls read in each recipient's own time zone — in the missed-call mail, the voicemail
mail and the in-app notification — as every other notification's dates do; people without a login
(the fallback and voicemail addresses) get the installation's TIME_ZONE (Moscow here). The call
came at 09:26 Moscow time (06:26 UTC)."""

from __future__ import annotations

import pytest

from notifications.models import Notification
from servicedesk.models import User
from telephony.testing import wav_bytes

from .conftest import FALLBACK, VOICEMAIL_BOX

pytestmark = pytest.mark.django_db(transaction=True)


def _text(received) -> str:
    return received.parsed().get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


@pytest.fixture
def zones(cast):
    User.objects.filter(pk=cast.operator.user_id).update(time_zone="Asia/Vladivostok")  # UTC+10
    User.objects.filter(pk=cast.second_line.user_id).update(time_zone="Asia/Yekaterinburg")  # UTC+5


def test_missed_call_mail_and_push_in_the_employees_zone(cast, zones, smtp, outgoing, phone_settings, post_missed):
    phone_settings.missed_body_ru = phone_settings.missed_body_en = "date=NOTIFICATION_DATE"
    phone_settings.save()
    assert post_missed(to="201,999", date="2025-03-14T09:26:53+03:00").status_code == 201
    received = {r.rcpt_tos[0]: _text(r) for r in smtp.plain.wait_for_messages(1)}
    assert "date=14.03.2025 16:26" in received["operator@corp.example"]
    push = Notification.objects.get(user=cast.operator.user)
    assert "14.03.2025 16:26" in push.body, push.body


def test_the_fallback_address_gets_the_installation_zone(cast, zones, smtp, outgoing, phone_settings, post_missed):
    phone_settings.missed_body_ru = phone_settings.missed_body_en = "date=NOTIFICATION_DATE"
    phone_settings.save()
    assert post_missed(to="999", date="2025-03-14T09:26:53+03:00").status_code == 201
    [received] = smtp.plain.wait_for_messages(1)
    assert received.rcpt_tos == [FALLBACK]
    assert "date=14.03.2025 09:26" in _text(received)


def test_voicemail_mails_in_each_recipients_zone(cast, zones, smtp, outgoing, phone_settings, post_voicemail):
    phone_settings.voicemail_body_ru = phone_settings.voicemail_body_en = "date=VM_DATE"
    phone_settings.save()
    response = post_voicemail(wav_bytes(0.5), to="201,202", date="2025-03-14T09:26:53+03:00")
    assert response.status_code == 201, response.content
    received = {r.rcpt_tos[0]: _text(r) for r in smtp.plain.wait_for_messages(3)}
    assert "date=14.03.2025 16:26" in received["operator@corp.example"]
    assert "date=14.03.2025 11:26" in received["line2@corp.example"]
    assert "date=14.03.2025 09:26" in received[VOICEMAIL_BOX]
    pushes = {n.user_id: n.body for n in Notification.objects.all()}
    assert "14.03.2025 16:26" in pushes[cast.operator.user_id]
    assert "14.03.2025 11:26" in pushes[cast.second_line.user_id]

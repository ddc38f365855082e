"""The global "use e-mail notifications" switch stops missed-call and voicemail mail too (seed 001:
"all e-mail notifications, including voicemail"); the calls are still stored and pushed."""

from __future__ import annotations

import pytest

from mailconf.models import OutboxMessage
from notifications.models import Notification
from telephony.models import MissedCallDigest, PbxCall
from telephony.testing import wav_bytes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def switched_off(outgoing):
    outgoing.notifications_enabled = False
    outgoing.save()
    return outgoing


def test_no_mail_for_missed_calls_and_voicemail_when_switched_off(
    cast, smtp, switched_off, phone_settings, post_missed, post_voicemail
):
    assert post_missed(to="201").status_code == 201
    assert post_voicemail(wav_bytes(0.3), to="201").status_code == 201
    assert not OutboxMessage.objects.exists()
    assert smtp.plain.messages == []
    digest = MissedCallDigest.objects.get()
    assert digest.sent_at is not None and digest.outcome == MissedCallDigest.Outcome.SUPPRESSED
    voicemail = PbxCall.objects.get(kind="voicemail")
    assert voicemail.mailed == [] and "turned off" in voicemail.mail_note
    assert Notification.objects.filter(user=cast.operator.user).count() == 2  # in-app push still works


def test_switching_back_on_sends_again(cast, smtp, switched_off, phone_settings, post_missed):
    switched_off.notifications_enabled = True
    switched_off.save()
    assert post_missed(to="201").status_code == 201
    assert smtp.plain.wait_for_messages(1)[0].rcpt_tos == ["operator@corp.example"]

"""Several missed calls to one address within the window go out as one mail listing them; the
window is the technologist's setting; each call is mailed exactly once, whoever sends."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connections

from mailconf.models import OutboxMessage
from servicedesk.models import Employee
from telephony.models import MissedCallDigest, PbxCall, TelephonySettings
from telephony.services.digests import Outcome, send_digest, send_due_digests
from telephony.services.intake import CallReport, record_missed_call
from telephony.services.tokens import create_token

START = datetime(2025, 3, 14, 6, 0, tzinfo=UTC)


@pytest.fixture
def window(phone_settings: TelephonySettings) -> TelephonySettings:
    phone_settings.missed_window_seconds = 120
    phone_settings.save()
    return phone_settings


def _report(n: int, to: str = "201") -> CallReport:
    return CallReport(
        caller_id=f"Caller {n} <+7912000000{n}>",
        to=to,
        duration=10 + n,
        date=START + timedelta(seconds=30 * n),
        cause="NOANSWER",
        call_id=f"call-{to}-{n}",
    )


@pytest.mark.django_db(transaction=True)
def test_calls_within_the_window_arrive_as_one_mail(cast, smtp, outgoing, window):
    Employee.objects.filter(pk=cast.operator.pk).update(language="en")
    pbx = create_token(pbx_name="pbx")[0].pbx
    with time_machine.travel(START, tick=False) as clock:
        for n in range(3):
            record_missed_call(pbx=pbx, report=_report(n))
            clock.shift(30)
        assert send_due_digests() == 0  # 90 s in: the window is still open
        assert send_digest(MissedCallDigest.objects.get().pk) is Outcome.NOT_DUE
        assert not OutboxMessage.objects.exists()
        clock.shift(31)  # 121 s after the first call
        assert send_due_digests() == 1
        assert send_due_digests() == 0

        [received] = smtp.plain.wait_for_messages(1)
        assert received.rcpt_tos == ["operator@corp.example"]
        message = received.parsed()
        assert message["Subject"] == "Missed call from Caller 2 <+79120000002> (+2 more)"
        text = message.get_body(preferencelist=("plain",)).get_content()
        assert "3 missed calls" in text
        assert text.index("Caller 0") < text.index("Caller 1") < text.index("Caller 2")

        clock.shift(10)
        record_missed_call(pbx=pbx, report=_report(7))  # after the mail: a new window opens
        clock.shift(121)
        assert send_due_digests() == 1
    later = smtp.plain.wait_for_messages(2)[1].parsed()
    assert "(+" not in later["Subject"] and "Caller 7" in later["Subject"]
    assert MissedCallDigest.objects.filter(sent_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_window_zero_sends_each_call_at_once(cast, phone_settings, committed):
    pbx = create_token(pbx_name="pbx")[0].pbx
    with committed():
        record_missed_call(pbx=pbx, report=_report(1))
    with committed():
        record_missed_call(pbx=pbx, report=_report(2))
    assert OutboxMessage.objects.count() == 2
    assert all("(+" not in subject for subject in OutboxMessage.objects.values_list("subject", flat=True))


@pytest.mark.django_db
def test_each_address_has_its_own_digest(cast, window, committed):
    Employee.objects.update(language="en")
    pbx = create_token(pbx_name="pbx")[0].pbx
    with time_machine.travel(START, tick=False) as clock:
        for n, to in ((1, "201"), (2, "202"), (3, "201")):
            with committed():
                record_missed_call(pbx=pbx, report=_report(n, to=to))
        clock.shift(121)
        assert send_due_digests() == 2
    by_address = {m.to_display: m for m in OutboxMessage.objects.all()}
    assert set(by_address) == {"operator@corp.example", "line2@corp.example"}
    assert "2 missed calls" in by_address["operator@corp.example"].text


@pytest.mark.django_db(transaction=True)
def test_two_workers_send_a_digest_once(cast, window):
    pbx = create_token(pbx_name="pbx")[0].pbx
    record_missed_call(pbx=pbx, report=_report(1))
    digest = MissedCallDigest.objects.get()
    later = digest.due_at + timedelta(seconds=1)
    results: list[Outcome] = []
    barrier = threading.Barrier(4)

    def worker() -> None:
        barrier.wait()
        try:
            results.append(send_digest(digest.pk, later))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(Outcome.SENT) == 1
    assert set(results) - {Outcome.SENT} <= {Outcome.LOCKED, Outcome.DONE}
    assert OutboxMessage.objects.count() == 1
    assert PbxCall.objects.get().digests.get().outbox_id == OutboxMessage.objects.get().pk

"""Demo calls for `make run` (`manage.py load_demo`): missed calls and voicemail of the past days,
so the calls page, its player and the call-back contacts have something to show.

They go through the API's own service (`record_missed_call` / `record_voicemail`) under one call
id each, so loading twice stores nothing new, and the worker processes them as any call: linked
to the operator (extension 201) and her colleague (202), push notifications, digests.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from .models import Pbx, PbxCall
from .services.intake import CallReport, Recording, record_missed_call, record_voicemail
from .testing import wav_bytes

if TYPE_CHECKING:
    from servicedesk.demo import DemoResult

PBX_NAME = "Демо-АТС (MikoPBX)"

# (call id, kind, caller id as the PBX sends it, number called, seconds, hours ago, handled)
CALLS: list[tuple[str, str, str, str, int, float, bool]] = [
    ("demo-1", "missed", '"Белова Алина" <+7 495 100-20-33>', "201", 14, 2.5, False),
    ("demo-2", "missed", "<+7 343 200-30-42>", "201", 31, 6.0, False),
    ("demo-3", "voicemail", '"Белова Алина" <+7 495 100-20-33>', "201", 12, 5.5, False),
    ("demo-4", "missed", '"Неизвестный" <+7 999 123-45-67>', "202", 8, 26.0, True),
    ("demo-5", "voicemail", "<+7 812 100-20-35>", "202", 9, 30.0, False),
    ("demo-6", "missed", "<+7 926 555-01-02>", "299", 22, 50.0, False),
]


def load_demo_calls(result: DemoResult) -> None:
    pbx, _created = Pbx.objects.get_or_create(name=PBX_NAME)
    now = timezone.now()
    for call_id, kind, caller_id, to, seconds, hours_ago, handled in CALLS:
        report = CallReport(
            caller_id=caller_id,
            to=to,
            duration=seconds,
            date=(now - timedelta(hours=hours_ago)).replace(microsecond=0),
            cause="NOANSWER",
            call_id=call_id,
        )
        if PbxCall.objects.filter(pbx=pbx, call_id=call_id).exists():
            continue
        if kind == "missed":
            call, created = record_missed_call(pbx=pbx, report=report)
        else:
            audio = io.BytesIO(wav_bytes(seconds, tone=330.0))
            recording = Recording(audio, f"{call_id}.wav", "audio/x-wav", float(seconds))
            call, created = record_voicemail(pbx=pbx, report=report, recording=recording)
        if handled:
            PbxCall.objects.filter(pk=call.pk).update(handled_at=now)
        result.created["calls"] += created

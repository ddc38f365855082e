"""Recording what a PBX reports: a missed call or a voicemail, exactly once per call id.

The API only makes the call durable: one row (and the recording, for voicemail) in one
transaction, and a kick after commit (coalesced: at most one per TELEPHONY_KICK_COALESCE_SECONDS
per process, see `_kick`). Everything the call causes — the employees it reached, the
missed-call mail it joins or the voicemail mails, the in-app notification, the call-back rules —
happens once in `services/dispatch.py`, claimed by the kick or, if the kick is lost, by the sweeper
that picks up calls whose `process_due_at` has passed. A stored recording is removed again if the
transaction fails, so an error leaves nothing behind.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from ..callerid import parse_caller_id
from ..models import CallKind, Pbx, PbxCall
from ..phones import normalise
from .dispatch import PROCESS_GRACE


@dataclass(frozen=True)
class CallReport:
    """The fields both endpoints share, validated by the API."""

    caller_id: str
    to: str
    duration: int
    date: datetime
    cause: str = ""
    call_id: str = ""


@dataclass(frozen=True)
class Recording:
    file: IO[bytes]
    filename: str
    content_type: str
    seconds: float | None = None


class CallIdConflict(Exception):
    """The call id was already used for a different call."""

    def __init__(self, call: PbxCall) -> None:
        super().__init__(call.pk)
        self.call = call


def _same(call: PbxCall, report: CallReport) -> bool:
    return (call.caller_id, call.to, call.duration, call.called_at, call.cause) == (
        report.caller_id,
        report.to,
        report.duration,
        report.date,
        report.cause,
    )


def _existing(pbx: Pbx, kind: str, report: CallReport) -> PbxCall | None:
    """The call already stored under this call id, or None; a different call under it is a conflict."""
    if not report.call_id:
        return None
    call = PbxCall.objects.filter(pbx=pbx, kind=kind, call_id=report.call_id).first()
    if call is not None and not _same(call, report):
        raise CallIdConflict(call)
    return call


def _new_call(pbx: Pbx, kind: str, report: CallReport, now: datetime) -> PbxCall:
    name, number = parse_caller_id(report.caller_id)
    return PbxCall(
        pbx=pbx,
        kind=kind,
        call_id=report.call_id,
        caller_id=report.caller_id,
        caller_name=name[:255],
        caller_number=number[:64],
        caller_digits=normalise(number)[:32],
        to=report.to,
        duration=report.duration,
        called_at=report.date,
        cause=report.cause,
        received_at=now,
        process_due_at=now + PROCESS_GRACE,
    )


_kick_lock = threading.Lock()
_next_kick = 0.0


def _send_kick() -> None:
    """One broker message per coalescing interval instead of one per call: a busy PBX posting 200
    calls a second would otherwise spend a third of each request publishing. The kick is delayed
    by the same interval and processes every pending call, so a call whose own kick was skipped
    (it committed before the skip) is still among those the earlier kick finds."""
    global _next_kick
    interval = settings.TELEPHONY_KICK_COALESCE_SECONDS
    with _kick_lock:
        now = time.monotonic()
        if interval and now < _next_kick:
            return
        _next_kick = now + interval
    from ..tasks import process_pending_calls_task

    if interval:
        process_pending_calls_task.apply_async(countdown=interval)
    else:
        process_pending_calls_task.apply_async()


def _kick(call: PbxCall) -> None:
    # robust: a broker that is down must not turn a stored call into an error for the PBX (which
    # would only retry); the sweeper processes the call once its grace has passed.
    transaction.on_commit(_send_kick, robust=True)


def record_missed_call(*, pbx: Pbx, report: CallReport) -> tuple[PbxCall, bool]:
    """Store a missed call (or find the one stored under its call id). Returns (call, created).

    A retry is recognised by the unique (pbx, kind, call_id) index on the INSERT, which saves a
    look-up on every other call. The INSERT is the only write, so outside a caller's transaction
    it runs on its own (autocommit: one round trip instead of three on the API's hot path)."""
    call = _new_call(pbx, CallKind.MISSED, report, timezone.now())
    try:
        if connection.in_atomic_block:
            with transaction.atomic():  # a savepoint: a duplicate must not break the caller's transaction
                call.save()
        else:
            call.save()
        _kick(call)  # after commit (at once when the INSERT committed by itself)
    except IntegrityError:
        found = _existing(pbx, CallKind.MISSED, report)
        if found is None:
            raise
        return found, False
    return call, True


@contextmanager
def _stored_file_removed_on_error() -> Iterator[list[str]]:
    names: list[str] = []
    try:
        yield names
    except BaseException:
        for name in names:
            default_storage.delete(name)
        raise


def record_voicemail(*, pbx: Pbx, report: CallReport, recording: Recording) -> tuple[PbxCall, bool]:
    """Store a voicemail with its recording (a retry with a known call id stores no second file)."""
    existing = _existing(pbx, CallKind.VOICEMAIL, report)
    if existing is not None:
        return existing, False
    filename = get_valid_filename(recording.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]) or "voicemail"
    try:
        with _stored_file_removed_on_error() as stored, transaction.atomic():
            call = _new_call(pbx, CallKind.VOICEMAIL, report, timezone.now())
            call.audio_name = recording.filename[:255] or filename
            call.audio_type = recording.content_type
            call.audio_seconds = recording.seconds
            recording.file.seek(0, 2)
            call.audio_size = recording.file.tell()
            recording.file.seek(0)
            call.audio.save(filename, File(recording.file), save=False)
            stored.append(str(call.audio.name))
            call.save()
            _kick(call)
    except IntegrityError:
        found = _existing(pbx, CallKind.VOICEMAIL, report)
        if found is None:
            raise
        return found, False
    return call, True

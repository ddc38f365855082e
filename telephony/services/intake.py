"""Recording what a PBX reports: a missed call or a voicemail, exactly once per call id.

Everything a call causes is written in its transaction: the call row and the employees it
matched, the missed-call mail it joins (a digest row) or the voicemail mails (outbox rows with the
recording), and the in-app notification event. Only kicks leave after commit; a stored recording
is removed again if the transaction fails, so an error leaves nothing behind.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import get_valid_filename

from notifications.services import notify_event
from servicedesk.models import Employee

from .. import events, outbox
from ..callerid import parse_caller_id
from ..compose import voicemail_mail
from ..models import CallKind, Pbx, PbxCall, TelephonySettings
from ..phones import employees_for, normalise
from ..values import calls_url, minutes_seconds
from .digests import add_to_digests
from .routing import voicemail_routes

log = logging.getLogger(__name__)

# When the background step (call-back rules) is due if its kick is lost: the sweeper's grace.
PROCESS_GRACE = timedelta(minutes=2)


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


def _link_employees(call: PbxCall, employees: list[Employee]) -> None:
    through = PbxCall.employees.through
    through.objects.bulk_create([through(pbxcall_id=call.pk, employee_id=e.pk) for e in employees])


def _short_date(call: PbxCall) -> str:
    return formats.date_format(timezone.localtime(call.called_at), "Y-m-d H:i")


def _notify(call: PbxCall, employees: list[Employee]) -> None:
    """The catalogue event for in-app push (and any e-mail action a technologist adds)."""
    user_ids = [e.user_id for e in employees if e.user_id]
    name, number = call.caller_name, call.caller_number
    if call.kind == CallKind.MISSED:
        code = events.MISSED_CALL
        context = {
            "NOTIFICATION_MISSEDCAUSE": call.cause,
            "NOTIFICATION_CALLERID": call.caller_display,
            "NOTIFICATION_TO": call.to,
            "NOTIFICATION_DURATION": str(call.duration),
            "NOTIFICATION_DATE": _short_date(call),
            "NOTIFICATION_CALLER_NAME": name,
            "NOTIFICATION_CALLER_NUM": number,
        }
    else:
        code = events.VOICEMAIL
        context = {
            "VM_DATE": _short_date(call),
            "VM_CALLERID": call.caller_display,
            "VM_DUR": minutes_seconds(call.duration or call.audio_seconds or 0),
            "VM_CALLER_NAME": name,
            "VM_CALLER_NUM": number,
            "VM_CIDNAME": name,
            "VM_CIDNUM": number,
            "VM_MAILBOX": call.to,
        }
    # The in-app link is a path (opened on whatever host the employee uses); mail needs SITE_URL.
    path = f"{reverse('telephony:calls')}#call-{call.pk}"
    notify_event(code, context={**context, "CALLS_URL": calls_url(call)}, concerned_user_ids=user_ids, url=path)


def _kick_processing(call: PbxCall) -> None:
    from ..tasks import process_call_task

    transaction.on_commit(lambda: process_call_task.delay(call.pk))


def record_missed_call(*, pbx: Pbx, report: CallReport) -> tuple[PbxCall, bool]:
    """Store a missed call (or find the one stored under its call id). Returns (call, created)."""
    existing = _existing(pbx, CallKind.MISSED, report)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            now = timezone.now()
            call = _new_call(pbx, CallKind.MISSED, report, now)
            call.save()
            employees = employees_for(report.to)
            _link_employees(call, employees)
            add_to_digests(call=call, employees=employees, now=now)
            _notify(call, employees)
            _kick_processing(call)
    except IntegrityError:
        # A concurrent retry of the same call won the unique (pbx, kind, call_id) index.
        found = _existing(pbx, CallKind.MISSED, report)
        if found is None:
            raise
        return found, False
    return call, True


def _missed_with_same_id(pbx: Pbx, call_id: str) -> list[Employee]:
    """Who missed the call this voicemail follows (the PBX reports both under one call id)."""
    if not call_id:
        return []
    return list(
        Employee.objects.filter(
            is_active=True, pbx_calls__pbx=pbx, pbx_calls__kind=CallKind.MISSED, pbx_calls__call_id=call_id
        ).distinct()
    )


@contextmanager
def _stored_file_removed_on_error() -> Iterator[list[str]]:
    names: list[str] = []
    try:
        yield names
    except BaseException:
        for name in names:
            default_storage.delete(name)
        raise


def _mail_voicemail(call: PbxCall, employees: list[Employee], content: bytes) -> None:
    config = TelephonySettings.load()
    routes = voicemail_routes(employees, config)
    if not routes:
        call.mail_note = "no recipient: no employee with an e-mail and no voicemail address"
        return
    if not outbox.notifications_enabled():
        call.mail_note = "e-mail notifications are turned off"
        return
    attachment = outbox.Attachment(call.audio_name, content, call.audio_type)
    mails = []
    for route in routes:
        composed = voicemail_mail(call, language=route.language, recipient_name=route.name, config=config)
        mails.append(outbox.Mail(route.address, composed.subject, composed.text, (attachment,)))
    ids = outbox.queue(mails)
    call.mailed = [{"address": route.address, "outbox_id": pk} for route, pk in zip(routes, ids, strict=True)]


def record_voicemail(*, pbx: Pbx, report: CallReport, recording: Recording) -> tuple[PbxCall, bool]:
    """Store a voicemail with its recording and mail it (see services/routing.py for to whom)."""
    existing = _existing(pbx, CallKind.VOICEMAIL, report)
    if existing is not None:
        return existing, False
    filename = get_valid_filename(recording.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]) or "voicemail"
    try:
        with _stored_file_removed_on_error() as stored, transaction.atomic():
            now = timezone.now()
            call = _new_call(pbx, CallKind.VOICEMAIL, report, now)
            recording.file.seek(0)
            content = recording.file.read()
            call.audio_name = recording.filename[:255] or filename
            call.audio_type = recording.content_type
            call.audio_size = len(content)
            call.audio_seconds = recording.seconds
            recording.file.seek(0)
            call.audio.save(filename, File(recording.file), save=False)
            stored.append(str(call.audio.name))
            call.save()
            employees = list(
                {e.pk: e for e in [*employees_for(report.to), *_missed_with_same_id(pbx, report.call_id)]}.values()
            )
            _link_employees(call, employees)
            _mail_voicemail(call, employees, content)
            call.save(update_fields=["mailed", "mail_note"])
            _notify(call, employees)
            _kick_processing(call)
    except IntegrityError:
        found = _existing(pbx, CallKind.VOICEMAIL, report)
        if found is None:
            raise
        return found, False
    return call, True

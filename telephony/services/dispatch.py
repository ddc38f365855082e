"""What a stored call causes, done once per call (claimed with SKIP LOCKED, stamped `processed_at`
in the same transaction): the employees it reached, their mail (the missed-call digest, or the
voicemail with its recording), the in-app notification, the client contact and call-back rules.

Runs in a worker, kicked after the API committed the call; the sweeper (`due_call_ids`) takes up
calls whose kick was lost or whose processing failed, each claim pushing `process_due_at` on so a
broken call cannot loop.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.services import notify_event
from servicedesk.models import Employee

from .. import events, outbox
from ..compose import voicemail_mail
from ..models import CallKind, PbxCall, TelephonySettings
from ..phones import employees_for
from ..values import calls_url, minutes_seconds
from .callback import apply_callback_rules, match_contact
from .digests import SETTINGS_MAX_AGE, add_to_digests
from .routing import voicemail_routes

log = logging.getLogger(__name__)

RETRY_AFTER = timedelta(minutes=2)
# A fresh call is due for the sweeper this long after it arrived (intake.PROCESS_GRACE).
PROCESS_GRACE = timedelta(seconds=30)


def _link_employees(call: PbxCall, employees: list[Employee]) -> None:
    through = PbxCall.employees.through
    through.objects.bulk_create(
        [through(pbxcall_id=call.pk, employee_id=e.pk) for e in employees], ignore_conflicts=True
    )


def _missed_with_same_id(call: PbxCall) -> list[Employee]:
    """Who missed the call this voicemail follows (the PBX reports both under one call id); read
    from the missed call's number, so it does not matter which of the two is processed first."""
    if not call.call_id:
        return []
    missed = PbxCall.objects.filter(pbx_id=call.pbx_id, kind=CallKind.MISSED, call_id=call.call_id).first()
    return employees_for(missed.to) if missed is not None else []


def _notify(call: PbxCall, employees: list[Employee]) -> None:
    """The catalogue event for in-app push (and any e-mail action a technologist adds): the
    employees who missed the call are its assignees, and its date is shown in each recipient's
    time zone."""
    name, number = call.caller_name, call.caller_number
    if call.kind == CallKind.MISSED:
        code = events.MISSED_CALL
        context = {
            "NOTIFICATION_MISSEDCAUSE": call.cause,
            "NOTIFICATION_CALLERID": call.caller_display,
            "NOTIFICATION_TO": call.to,
            "NOTIFICATION_DURATION": str(call.duration),
            "NOTIFICATION_CALLER_NAME": name,
            "NOTIFICATION_CALLER_NUM": number,
        }
    else:
        code = events.VOICEMAIL
        context = {
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
    date_key = "NOTIFICATION_DATE" if call.kind == CallKind.MISSED else "VM_DATE"
    notify_event(
        code,
        context={**context, "CALLS_URL": calls_url(call)},
        assignees={"employee_ids": [e.pk for e in employees]},
        moments={date_key: call.called_at},
        url=path,
    )


def _mail_voicemail(call: PbxCall, employees: list[Employee]) -> None:
    config = TelephonySettings.load(max_age=SETTINGS_MAX_AGE)
    routes = voicemail_routes(employees, config)
    if not routes:
        call.mail_note = "no recipient: no employee with an e-mail and no voicemail address"
        return
    if not outbox.notifications_enabled():
        call.mail_note = "e-mail notifications are turned off"
        return
    with call.audio.open("rb") as handle:
        attachment = outbox.Attachment(call.audio_name, handle.read(), call.audio_type)
    mails = []
    for route in routes:
        composed = voicemail_mail(
            call, language=route.language, recipient_name=route.name, config=config, time_zone=route.time_zone
        )
        mails.append(outbox.Mail(route.address, composed.subject, composed.text, (attachment,)))
    ids = outbox.queue(mails)
    call.mailed = [{"address": route.address, "outbox_id": pk} for route, pk in zip(routes, ids, strict=True)]


def process_call(call_id: int) -> bool:
    """Everything the call causes, once. False when it was done already or another worker has it."""
    with transaction.atomic():
        call = PbxCall.objects.select_for_update(skip_locked=True).filter(pk=call_id, processed_at__isnull=True).first()
        if call is None:
            return False
        now = timezone.now()
        employees = employees_for(call.to)
        if call.kind == CallKind.VOICEMAIL:
            employees = list({e.pk: e for e in [*employees, *_missed_with_same_id(call)]}.values())
        _link_employees(call, employees)
        if call.kind == CallKind.MISSED:
            add_to_digests(call=call, employees=employees, now=now)
        else:
            _mail_voicemail(call, employees)
        _notify(call, employees)
        call.contact = match_contact(call)
        apply_callback_rules(call)
        call.processed_at = now
        call.save(update_fields=["mailed", "mail_note", "contact", "callback_ticket", "callback_error", "processed_at"])
    return True


def postpone(call_id: int) -> None:
    """After a failure: the sweeper tries again later."""
    PbxCall.objects.filter(pk=call_id, processed_at__isnull=True).update(process_due_at=timezone.now() + RETRY_AFTER)


def pending_call_ids(limit: int = 1000) -> list[int]:
    """Calls not processed yet, for the API's kick. Those postponed after a failure (due later
    than a fresh call's grace) are left to the sweeper's back-off. `process_call` claims each with
    SKIP LOCKED, so two kicks racing over the same calls do each once."""
    horizon = timezone.now() + PROCESS_GRACE
    pending = PbxCall.objects.filter(processed_at__isnull=True, process_due_at__lte=horizon).order_by("pk")
    return list(pending.values_list("pk", flat=True)[:limit])


def due_call_ids(limit: int = 200) -> list[int]:
    """Calls whose kick was lost or whose processing failed, each claimed by pushing its due time on."""
    now = timezone.now()
    claimed = []
    due = PbxCall.objects.filter(processed_at__isnull=True, process_due_at__lte=now).order_by("process_due_at")
    for pk, due_at in due.values_list("pk", "process_due_at")[:limit]:
        if PbxCall.objects.filter(pk=pk, process_due_at=due_at).update(process_due_at=now + RETRY_AFTER):
            claimed.append(pk)
    return claimed

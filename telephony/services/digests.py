"""Missed-call mails: several calls to one address within the window go out as one mail.

Each address has at most one open digest (a row with `due_at`, unique while unsent). A call joins
the open digest of each of its recipients under a row lock, or opens one due `window` seconds
later. A digest is sent by whoever claims it first once due: the kick scheduled for its due time,
or the sweeper that beat runs every few seconds (`send_due_digests`), each taking rows with
`SKIP LOCKED`; sending stamps `sent_at` in the transaction that writes the outbox row, so it
happens exactly once, and a call arriving while its digest is being sent opens the next one.
"""

from __future__ import annotations

import enum
import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from notifications.recipients import for_employees
from servicedesk.models import Employee

from .. import outbox
from ..compose import missed_mail
from ..models import MissedCallDigest, PbxCall, TelephonySettings
from .routing import Route, missed_call_routes

log = logging.getLogger(__name__)

RETRY_AFTER = timedelta(minutes=1)
# Intake reads the settings row at most this often per process (a change applies within seconds).
SETTINGS_MAX_AGE = 5.0


def _open_digest(route: Route, due_at: datetime, now: datetime) -> tuple[MissedCallDigest, bool]:
    """The open digest of the route's address, locked; created (and reported so) when there was none.

    Two round trips whatever happens: an INSERT that yields to an open digest of the address (the
    partial unique index; a concurrent one is waited for), then the row lock. A digest that was
    sent in between no longer matches; the loop opens the next one.
    """
    for _attempt in range(5):
        MissedCallDigest.objects.bulk_create(
            [
                MissedCallDigest(
                    address=route.address,
                    employee=route.employee,
                    language=route.language,
                    created_at=now,
                    due_at=due_at,
                )
            ],
            ignore_conflicts=True,
        )
        digest = (
            MissedCallDigest.objects.select_for_update().filter(address=route.address, sent_at__isnull=True).first()
        )
        if digest is not None:
            return digest, (digest.created_at, digest.due_at) == (now, due_at)
    raise RuntimeError(f"could not open a missed-call digest for {route.address}")


def add_to_digests(*, call: PbxCall, employees: list[Employee], now: datetime) -> None:
    """Put the call into the digest of each of its recipients (in the caller's transaction)."""
    config = TelephonySettings.load(max_age=SETTINGS_MAX_AGE)
    routes = missed_call_routes(employees, config)
    if not routes:
        call.mail_note = "no recipient: no employee with an e-mail and no address for missed calls"
        return
    due_at = now + timedelta(seconds=config.missed_window_seconds)
    through = MissedCallDigest.calls.through
    links = []
    opened: list[MissedCallDigest] = []
    for route in routes:
        digest, created = _open_digest(route, due_at, now)
        links.append(through(missedcalldigest_id=digest.pk, pbxcall_id=call.pk))
        if created:
            opened.append(digest)
    through.objects.bulk_create(links)
    for digest in opened:
        _schedule(digest)


def _schedule(digest: MissedCallDigest) -> None:
    from ..tasks import send_digest_task

    pk, eta = digest.pk, digest.due_at
    transaction.on_commit(lambda: send_digest_task.apply_async((pk,), eta=eta), robust=True)


class Outcome(enum.Enum):
    SENT = "sent"
    DONE = "done"  # sent before, or gone
    LOCKED = "locked"  # a call is being added or another worker is sending: try again shortly
    NOT_DUE = "not_due"


def send_digest(digest_id: int, now: datetime | None = None) -> Outcome:
    """Send one digest if it is due and nobody else holds it."""
    now = now or timezone.now()
    with transaction.atomic():
        digest = (
            MissedCallDigest.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=digest_id, sent_at__isnull=True)
            .select_related("employee")
            .first()
        )
        if digest is None:
            still_open = MissedCallDigest.objects.filter(pk=digest_id, sent_at__isnull=True).exists()
            return Outcome.LOCKED if still_open else Outcome.DONE
        if digest.due_at > now:
            return Outcome.NOT_DUE
        calls = list(digest.calls.order_by("called_at", "pk"))
        if calls and outbox.notifications_enabled():
            config = TelephonySettings.load()
            name = digest.employee.full_name if digest.employee else digest.address
            # The zone as the profile says now (the digest keeps only the address and language).
            people = for_employees([digest.employee]) if digest.employee else []
            zone = people[0].time_zone if people else ""
            composed = missed_mail(calls, language=digest.language, recipient_name=name, config=config, time_zone=zone)
            [digest.outbox_id] = outbox.queue([outbox.Mail(digest.address, composed.subject, composed.text)])
            digest.outcome = MissedCallDigest.Outcome.QUEUED
        else:
            digest.outcome = MissedCallDigest.Outcome.SUPPRESSED
        digest.sent_at = now
        digest.save(update_fields=["sent_at", "outcome", "outbox_id"])
    return Outcome.SENT


def send_due_digests(limit: int = 200, now: datetime | None = None) -> int:
    """The sweeper: every digest whose time has come and that no kick has sent yet."""
    now = now or timezone.now()
    due = MissedCallDigest.objects.filter(sent_at__isnull=True, due_at__lte=now).order_by("due_at")
    sent = 0
    for pk in list(due.values_list("pk", flat=True)[:limit]):
        try:
            sent += send_digest(pk, now) is Outcome.SENT
        except Exception:  # one broken digest must not hold back the others: it is tried again later
            log.exception("missed-call digest %s could not be sent", pk)
            MissedCallDigest.objects.filter(pk=pk, sent_at__isnull=True).update(due_at=now + RETRY_AFTER)
    return sent

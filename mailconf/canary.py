"""The mail canary's clock: send due probes, judge the ones that have not come back, alert.

Runs from beat (`mailconf.canary_tick`, every minute). A probe is an ordinary outbox row (kind
"test"), so it takes the same path as every other mail: a relay, DNS or spam filter losing it is
found the same way as a fetcher that stopped. Being late is judged from the oldest probe sent
since the last proof; the administrator is told once per state ("late", then "lost") and told
nothing more until a probe arrives again (`inbound/canary.py` clears the state).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext

from mailconf.inbound.canary import canary_subject
from mailconf.models import CanaryProbe, CanaryState, MailCanary, OutgoingConnection
from mailconf.outbox import enqueue_mail, send_code_mail

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CanaryStatus:
    mailbox: str
    state: str
    last_proven_at: datetime | None
    lag_seconds: float | None
    waiting_seconds: float | None

    def as_dict(self) -> dict[str, object]:
        return {
            "mailbox": self.mailbox,
            "ok": self.state in (CanaryState.OK, CanaryState.WAITING),
            "state": self.state,
            "last_proven_at": self.last_proven_at.isoformat() if self.last_proven_at else None,
            "lag_seconds": None if self.lag_seconds is None else round(self.lag_seconds, 1),
            "waiting_seconds": None if self.waiting_seconds is None else round(self.waiting_seconds, 1),
        }


def send_due_probes(now: datetime | None = None) -> list[int]:
    """Send one probe for each enabled canary whose time has come; the probes' ids."""
    now = now or timezone.now()
    due = MailCanary.objects.filter(enabled=True, incoming__enabled=True).filter(
        Q(next_send_at=None) | Q(next_send_at__lte=now)
    )
    sent: list[int] = []
    for canary in due.select_related("incoming"):
        # Claim by moving the next send forward: of two beats, one sends.
        claimed = MailCanary.objects.filter(pk=canary.pk, next_send_at=canary.next_send_at).update(
            next_send_at=now + timedelta(minutes=max(canary.interval_minutes, 1)), last_sent_at=now
        )
        if claimed and canary.target:
            sent.append(send_probe(canary, now=now).pk)
    return sent


def send_probe(canary: MailCanary, *, now: datetime | None = None) -> CanaryProbe:
    token = secrets.token_hex(16)
    with transaction.atomic():
        probe = CanaryProbe.objects.create(canary=canary, token=token, sent_at=now or timezone.now())
        text = (
            "This is an automatic test of the service desk's mail path. It is recognised on arrival "
            "and never becomes a ticket; please leave mailbox rules from filtering it."
        )
        message = enqueue_mail(to=[canary.target], subject=canary_subject(token), text=text, kind="test")
        probe.outbox_id = message.pk
        probe.save(update_fields=["outbox_id"])
    return probe


def status_of(canary: MailCanary, now: datetime | None = None) -> CanaryStatus:
    now = now or timezone.now()
    pending = canary.probes.filter(received_at=None)
    if canary.last_proven_at is not None:
        pending = pending.filter(sent_at__gte=canary.last_proven_at - timedelta(seconds=canary.last_lag_seconds or 0))
    oldest = pending.order_by("sent_at").values_list("sent_at", flat=True).first()
    waiting = (now - oldest).total_seconds() if oldest else None
    if waiting is not None and waiting >= canary.lost_after_minutes * 60:
        state = CanaryState.LOST
    elif waiting is not None and waiting >= canary.late_after_minutes * 60:
        state = CanaryState.LATE
    elif canary.last_proven_at is None:
        state = CanaryState.WAITING
    else:
        state = CanaryState.OK
    return CanaryStatus(canary.incoming.name, state, canary.last_proven_at, canary.last_lag_seconds, waiting)


def check_probes(now: datetime | None = None) -> dict[int, str]:
    """Judge every enabled canary; alert the administrator on a new late/lost state. {id: state}."""
    now = now or timezone.now()
    states: dict[int, str] = {}
    for canary in MailCanary.objects.filter(enabled=True).select_related("incoming"):
        status = status_of(canary, now)
        states[canary.pk] = status.state
        if status.state in (CanaryState.LATE, CanaryState.LOST) and canary.alert != status.state:
            # Conditional: of two checkers, one alerts.
            if MailCanary.objects.filter(pk=canary.pk, alert=canary.alert).update(alert=status.state):
                _alert(canary, status)
    return states


def _alert(canary: MailCanary, status: CanaryStatus) -> None:
    log.error("mail canary of %s is %s (waiting %.0f s)", canary.incoming, status.state, status.waiting_seconds or 0)
    address = OutgoingConnection.load().admin_email
    if not address:
        return
    context = {
        "mailbox": canary.incoming.name,
        "state": status.state,
        "minutes": int((status.waiting_seconds or 0) // 60),
        "last_proven_at": (
            formats.date_format(timezone.localtime(status.last_proven_at), "DATETIME_FORMAT")
            if status.last_proven_at
            else gettext("never")
        ),
    }
    send_code_mail(f"canary_{status.state}", to=[address], context=context)


def tick(now: datetime | None = None) -> None:
    send_due_probes(now)
    check_probes(now)
    prune_probes(now)


def prune_probes(now: datetime | None = None) -> int:
    """Probes older than the outbox's retention go with their outbox rows; the canary keeps the summary."""
    limit = (now or timezone.now()) - timedelta(days=settings.MAIL_OUTBOX_RETENTION_DAYS)
    deleted, _detail = CanaryProbe.objects.filter(sent_at__lt=limit).delete()
    return deleted


def canary_states() -> list[dict[str, object]]:
    """What /health shows: one entry per enabled canary."""
    rows = MailCanary.objects.filter(enabled=True).select_related("incoming").order_by("incoming__name")
    return [status_of(canary).as_dict() for canary in rows]

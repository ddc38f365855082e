"""Recognising a canary mail on intake: it proves the mail path and is never made into a ticket.

The subject carries `[canary <token>]`; the token is random and names one probe row, so a customer
typing a similar subject only gets an ignored message when the token is unknown, never a false
proof. Recognition writes the probe's lag and the canary's "last proven delivery" and ends any
late/lost alert.
"""

from __future__ import annotations

import logging
import re

from django.utils import timezone

from mailconf.models import CanaryProbe, IncomingConnection, MailCanary, MailResult
from mailconf.parsing import ParsedMessage

from .ledger import Outcome

log = logging.getLogger(__name__)

TAG = re.compile(r"\[canary ([0-9a-f]{32})\]")


def canary_subject(token: str) -> str:
    return f"Mail canary [canary {token}]"


def recognise(connection: IncomingConnection, parsed: ParsedMessage) -> Outcome | None:
    """The outcome for a canary mail, or None for any other mail."""
    found = TAG.search(parsed.subject or "")
    if found is None:
        return None
    now = timezone.now()
    probe = CanaryProbe.objects.select_related("canary").filter(token=found.group(1)).first()
    if probe is None:
        return Outcome(MailResult.IGNORED, "a mail canary with an unknown token")
    if probe.received_at is not None:
        return Outcome(MailResult.IGNORED, "a mail canary received before")
    lag = max((now - probe.sent_at).total_seconds(), 0.0)
    CanaryProbe.objects.filter(pk=probe.pk).update(received_at=now, lag_seconds=lag)
    MailCanary.objects.filter(pk=probe.canary_id).update(last_proven_at=now, last_lag_seconds=lag)
    if probe.canary.alert:
        log.warning("mail canary of %s arrived again after %.0f s", connection, lag)
        MailCanary.objects.filter(pk=probe.canary_id).update(alert="")
    return Outcome(MailResult.IGNORED, f"mail canary, delivered in {lag:.0f} s")

"""Deliver webhook calls, back off, and switch a failing webhook off.

Every call is a `WebhookDelivery` row first (queued in the fan-out's transaction by the "webhook"
channel, webhooks/channel.py; kicked after commit, swept by beat), so a lost kick or a dead worker delays a call but never loses it. A claimed
row's next try is pushed past the call's timeout before the call, so two workers never post the
same row at once. Temporary failures (5xx, 408, 429, timeouts, refused connections) are retried
with exponential backoff up to `WEBHOOK_MAX_ATTEMPTS`; a webhook failing
`WEBHOOK_DISABLE_AFTER_FAILURES` calls in a row is switched off and the administrator told once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from notifications import catalogue
from servicedesk.mailbridge import administrator_address, enqueue_system_mail

from .models import Webhook, WebhookDelivery
from .payload import render_payload
from .signing import HEADER, signature
from .transport import CallResult, post

log = logging.getLogger(__name__)


def claim_due(ids: Iterable[int] | None = None, limit: int = 50) -> list[WebhookDelivery]:
    now = timezone.now()
    lease = timedelta(seconds=settings.WEBHOOK_TIMEOUT * (1 + 3) + 30)  # a call and its redirects
    with transaction.atomic():
        rows = WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",)).filter(
            status=WebhookDelivery.Status.QUEUED, next_attempt_at__lte=now, webhook__enabled=True
        )
        if ids is not None:
            rows = rows.filter(pk__in=list(ids))
        claimed = list(rows.select_related("webhook").order_by("next_attempt_at", "pk")[:limit])
        WebhookDelivery.objects.filter(pk__in=[row.pk for row in claimed]).update(next_attempt_at=now + lease)
    return claimed


def deliver_due(ids: Iterable[int] | None = None) -> int:
    """Post every due call (or the given ones, when due); the number of calls made."""
    done = 0
    for row in claim_due(ids):
        # Re-read the webhook: an earlier call of this batch may have switched it off.
        hook = Webhook.objects.filter(pk=row.webhook_id, enabled=True).first()
        if hook is None:
            continue
        record(row, hook, call(hook, row))
        done += 1
    return done


def call(hook: Webhook, row: WebhookDelivery) -> CallResult:
    body = row.body.encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "servicedesk-webhooks",
        "X-Servicedesk-Event": row.event,
        "X-Servicedesk-Delivery": str(row.pk),
        HEADER: signature(hook.secret, int(time.time()), body),
    }
    return post(hook.url, body, headers, timeout=settings.WEBHOOK_TIMEOUT)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … times the base delay after the 1st, 2nd, 3rd … failed attempt."""
    return timedelta(seconds=settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempts - 1))


def record(row: WebhookDelivery, hook: Webhook, result: CallResult) -> None:
    now = timezone.now()
    attempts = row.attempts + 1
    fields: dict[str, object] = {"attempts": attempts, "response_status": result.status, "last_error": result.error}
    if result.ok:
        fields |= {"status": WebhookDelivery.Status.SENT, "sent_at": now, "next_attempt_at": None}
        Webhook.objects.filter(pk=hook.pk).update(consecutive_failures=0, last_success_at=now)
    else:
        again = result.temporary and attempts < settings.WEBHOOK_MAX_ATTEMPTS
        fields |= (
            {"next_attempt_at": now + backoff(attempts)}
            if again
            else {"status": WebhookDelivery.Status.FAILED, "next_attempt_at": None}
        )
        Webhook.objects.filter(pk=hook.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    WebhookDelivery.objects.filter(pk=row.pk).update(**fields)
    if not result.ok:
        log.warning("webhook %s call %s failed: %s", hook, row.pk, result.error)
        hook.refresh_from_db(fields=["consecutive_failures"])
        if hook.consecutive_failures >= settings.WEBHOOK_DISABLE_AFTER_FAILURES:
            switch_off(hook, result.error)


def switch_off(hook: Webhook, error: str) -> bool:
    """Disable after a streak of failures and tell the administrator; True if this call did it."""
    reason = f"{hook.consecutive_failures} failures in a row; the last: {error}"[:500]
    with transaction.atomic():
        if not Webhook.objects.filter(pk=hook.pk, enabled=True).update(enabled=False, disabled_reason=reason):
            return False
        log.error("webhook %s switched off: %s", hook, reason)
        address = administrator_address()
        if address:
            context = {"name": hook.name, "url": hook.url, "count": hook.consecutive_failures, "error": error}
            enqueue_system_mail(
                to=[address],
                subject=render_to_string("emails/webhook_disabled-subject.txt", context).strip(),
                text=render_to_string("emails/webhook_disabled-body.txt", context),
            )
    return True


def prune(now: datetime | None = None) -> int:
    """Finished calls older than `NOTIFY_LOG_RETENTION_DAYS` leave the delivery log."""
    limit = (now or timezone.now()) - timedelta(days=settings.NOTIFY_LOG_RETENTION_DAYS)
    finished = (WebhookDelivery.Status.SENT, WebhookDelivery.Status.FAILED, WebhookDelivery.Status.CANCELLED)
    deleted, _detail = WebhookDelivery.objects.filter(status__in=finished, created_at__lt=limit).delete()
    return deleted


TEST_EVENT = "webhook.test"


def send_test(hook: Webhook) -> WebhookDelivery:
    """The card's "Send a test call": the real signing and transport, logged as a delivery row, at
    once and whether the webhook is on or off; it does not count towards switching it off."""
    values = {name: "" for name in catalogue.known_placeholder_names()}
    values |= {"EVENT_CODE": TEST_EVENT, "EVENT_ID": "test", "TICKET_SUBJECT": "Test call"}
    row = WebhookDelivery.objects.create(webhook=hook, event=TEST_EVENT, body=render_payload(hook.payload, values))
    result = call(hook, row)
    status = WebhookDelivery.Status.SENT if result.ok else WebhookDelivery.Status.FAILED
    WebhookDelivery.objects.filter(pk=row.pk).update(
        status=status,
        attempts=1,
        response_status=result.status,
        last_error=result.error,
        next_attempt_at=None,
        sent_at=timezone.now() if result.ok else None,
    )
    row.refresh_from_db()
    return row


def switch_on(hook: Webhook) -> None:
    """The technologist fixed the receiver: calls resume, the waiting ones first."""
    Webhook.objects.filter(pk=hook.pk).update(enabled=True, consecutive_failures=0, disabled_reason="")

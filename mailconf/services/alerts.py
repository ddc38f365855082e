"""System notifications to the administrator address (MikoPBX): raised once, cleared on recovery.

Alerts go through the outbox like any mail. One about a failing connection waits there until the
connection works again; the log line written at the same time is what operators see at once.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from mailconf.conf import mail_setting
from mailconf.models import OutboxMessage, OutgoingConnection

log = logging.getLogger(__name__)

TEMPLATES = {"failures": "connection_failing", "token": "token_failing", "stuck": "outbox_stuck"}


def raise_alert(key: str, **context: Any) -> bool:
    """Mail the administrator about `key` unless that alert is already raised; True if it was sent now."""
    with transaction.atomic():
        conn = OutgoingConnection.objects.select_for_update().filter(pk=OutgoingConnection.SINGLETON_PK).first()
        if conn is None or key in conn.alerts:
            return False
        conn.alerts = {**conn.alerts, key: timezone.now().isoformat()}
        OutgoingConnection.objects.filter(pk=conn.pk).update(alerts=conn.alerts)
        log.error("mail alert %s: %s", key, context.get("detail", ""))
        if conn.admin_email:
            from .emails import send_code_mail

            # Not kicked at once: the alert is usually raised inside a delivery run, which or the next
            # beat tick picks it up.
            send_code_mail(TEMPLATES[key], to=[conn.admin_email], context=context, kind="system", schedule=False)
    return True


def clear_alert(key: str) -> None:
    with transaction.atomic():
        conn = OutgoingConnection.objects.select_for_update().filter(pk=OutgoingConnection.SINGLETON_PK).first()
        if conn is not None and key in conn.alerts:
            alerts = {k: v for k, v in conn.alerts.items() if k != key}
            OutgoingConnection.objects.filter(pk=conn.pk).update(alerts=alerts)


def check_outbox_stuck() -> bool:
    """Raise the "stuck" alert when mail has waited longer than MAIL_STUCK_ALERT_MINUTES; True if stuck."""
    limit = timezone.now() - timedelta(minutes=mail_setting("MAIL_STUCK_ALERT_MINUTES"))
    waiting = OutboxMessage.objects.filter(Q(status="queued") | Q(status="sending"), created_at__lt=limit)
    summary = waiting.aggregate(oldest=Min("created_at"))
    if summary["oldest"] is None:
        clear_alert("stuck")
        return False
    raise_alert("stuck", count=waiting.count(), oldest=summary["oldest"], detail="outbox stuck")
    return True

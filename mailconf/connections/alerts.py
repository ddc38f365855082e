"""The one alert path: a connection raises an administrator alert once, clears it on recovery.

Raising remembers the alert on the connection row (so it is sent once per streak, whoever raises
it) and announces it with `mailconf.signals.alert_raised`, in the same transaction: the outbox
mails the administrator address, notifications raise their event. The log line written at the
same time is what operators see at once.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from mailconf.models import MailConnection
from mailconf.signals import alert_raised, announce

log = logging.getLogger(__name__)


def raise_alert(conn: MailConnection, key: str, **context: Any) -> bool:
    """Raise alert `key` ("failures", "token", "stuck") unless it is raised already; True if now.

    `context` reaches the alert mail's template (`detail`, `count`, ...). A receiver's failure is
    logged and neither undoes the alert nor disturbs the caller (a delivery run, a poll)."""
    with transaction.atomic():
        if not conn.claim_alert(key):
            return False
        log.error("mail alert %s on %s: %s", key, conn, context.get("detail", ""))
        announce(alert_raised, type(conn), connection=conn, key=key, context=context)
    return True


def clear_alert(conn: MailConnection, key: str) -> None:
    """The trouble behind `key` is over: the next occurrence alerts again."""
    conn.release_alert(key)

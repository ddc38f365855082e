"""One status path for every connection: the "Check" button and the result of every attempt.

Each attempt (a check, a delivery batch, a poll) ends in `record_result`: the status, the server's
message, the time of the last attempt and of the last success, and the failures in a row; enough
failures in a row raise the "failures" alert, a success clears it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from mailconf.models import CheckStatus, IncomingConnection, MailConnection, OutgoingConnection
from mailconf.protocols.errors import TransportError

from .alerts import clear_alert, raise_alert
from .clients import client_for

log = logging.getLogger(__name__)

_STATUS_FIELDS = ["check_status", "last_error", "last_checked_at", "last_success_at", "consecutive_failures"]


def failure_alert_threshold(conn: MailConnection) -> int:
    """Failures in a row before the administrator hears about them (the outgoing connection and
    the mailboxes have a setting each)."""
    if isinstance(conn, IncomingConnection):
        return settings.MAIL_INCOMING_FAILURE_ALERT_THRESHOLD
    return settings.MAIL_FAILURE_ALERT_THRESHOLD


def record_result(conn: MailConnection, error: TransportError | None, *, message: str = "") -> None:
    """Write one connection attempt onto the connection's status fields (and onto `conn`).

    `message` is what the server said on success (a mailbox check shows its greeting)."""
    now = timezone.now()
    rows = type(conn)._default_manager.filter(pk=conn.pk)
    # `last_error` is declared by each kind of connection (its label differs), hence the dicts.
    if error is None:
        success: dict[str, Any] = {"last_error": message[:2000], "last_success_at": now, "consecutive_failures": 0}
        rows.update(check_status=CheckStatus.SUCCESS, last_checked_at=now, **success)
        conn.refresh_from_db(fields=_STATUS_FIELDS)
        clear_alert(conn, "failures")
        return
    failure: dict[str, Any] = {"last_error": error.message[:2000]}
    rows.update(
        check_status=CheckStatus.ERROR,
        last_checked_at=now,
        consecutive_failures=F("consecutive_failures") + 1,
        **failure,
    )
    conn.refresh_from_db(fields=_STATUS_FIELDS)
    if conn.consecutive_failures >= failure_alert_threshold(conn):
        raise_alert(conn, "failures", detail=error.message, count=conn.consecutive_failures)


def check_connection(conn: MailConnection | None = None) -> TransportError | None:
    """The "Check" button: connect and authenticate, send or change nothing, record the outcome.

    `conn` None means the outgoing connection."""
    conn = OutgoingConnection.load() if conn is None else conn
    try:
        summary = client_for(conn).check()
    except TransportError as exc:
        log.info("check of %s failed: %s", conn, exc.message)
        record_result(conn, exc)
        return exc
    record_result(conn, None, message=summary or "")
    return None

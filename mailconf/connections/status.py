"""One status path for every connection: the "Check" button and the result of every attempt.

Each attempt (a check, a delivery batch, a poll) ends in `record_result`: the status, the failure
(its `Reason` and technical text, put into words when shown: `explain.error_text`), the time of the
last attempt and of the last success, and the failures in a row; enough failures in a row raise the
"failures" alert, a success clears it. `check_settings` checks a card's unsaved values and records
nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from mailconf.models import CheckStatus, IncomingConnection, MailConnection, OutgoingConnection
from mailconf.protocols.errors import TransportError

from .alerts import clear_alert, raise_alert
from .clients import client_for
from .explain import check_failure_text, check_success_text, failure_text

log = logging.getLogger(__name__)

_STATUS_FIELDS = [
    "check_status",
    "last_error",
    "last_error_reason",
    "last_checked_at",
    "last_success_at",
    "consecutive_failures",
]


def failure_alert_threshold(conn: MailConnection) -> int:
    """Failures in a row before the administrator hears about them (the outgoing connection and
    the mailboxes have a setting each)."""
    if isinstance(conn, IncomingConnection):
        return settings.MAIL_INCOMING_FAILURE_ALERT_THRESHOLD
    return settings.MAIL_FAILURE_ALERT_THRESHOLD


def record_result(conn: MailConnection, error: TransportError | None) -> None:
    """Write one connection attempt onto the connection's status fields (and onto `conn`)."""
    now = timezone.now()
    rows = type(conn)._default_manager.filter(pk=conn.pk)
    # `last_error` is declared by each kind of connection (its label differs), hence the dicts.
    if error is None:
        success: dict[str, Any] = {"last_error": "", "last_success_at": now, "consecutive_failures": 0}
        rows.update(check_status=CheckStatus.SUCCESS, last_checked_at=now, last_error_reason="", **success)
        conn.refresh_from_db(fields=_STATUS_FIELDS)
        clear_alert(conn, "failures")
        return
    failure: dict[str, Any] = {"last_error": _stored_detail(error)[:2000]}
    rows.update(
        check_status=CheckStatus.ERROR,
        last_checked_at=now,
        last_error_reason=error.reason,
        consecutive_failures=F("consecutive_failures") + 1,
        **failure,
    )
    conn.refresh_from_db(fields=_STATUS_FIELDS)
    if conn.consecutive_failures >= failure_alert_threshold(conn):
        # Worded in the language the alert mail is written in (the active one), detail after it.
        detail = failure_text(error, protocol=conn.get_protocol_display())  # type: ignore[attr-defined]
        raise_alert(conn, "failures", detail=detail, count=conn.consecutive_failures)


def _stored_detail(error: TransportError) -> str:
    # What something that is not our server said is not kept where the card shows it (the log has it).
    return "" if error.reason == "not_server" else error.message


@dataclass(frozen=True)
class CheckOutcome:
    """The answer to "Check": `ok`, and `text` in the reader's language — what was verified, or
    the classified failure (never the remote's own words)."""

    ok: bool
    text: str


def _run_check(conn: MailConnection) -> tuple[CheckOutcome, TransportError | None]:
    client = client_for(conn)
    protocol = conn.get_protocol_display()  # type: ignore[attr-defined]
    try:
        summary = client.check()
    except TransportError as exc:
        # The full detail (the remote's reply included) is for the server log only.
        log.info("check of %s (%s) failed [%s]: %s", conn, protocol, exc.reason, exc.message)
        return CheckOutcome(False, check_failure_text(exc, protocol=protocol)), exc
    log.info("check of %s (%s) succeeded: %s", conn, protocol, summary or "")
    return CheckOutcome(True, check_success_text(client.check_report())), None


def check_connection(conn: MailConnection | None = None) -> CheckOutcome:
    """The "Check" button on a stored connection: connect and authenticate, send or change
    nothing, record the outcome. `conn` None means the outgoing connection."""
    conn = OutgoingConnection.load() if conn is None else conn
    outcome, error = _run_check(conn)
    record_result(conn, error)
    return outcome


def check_settings(candidate: MailConnection) -> CheckOutcome:
    """ "Check" on a card's values as typed, not saved: nothing is recorded on the stored row, no
    alert is raised and an OAuth2 token obtained for them is not cached."""
    candidate.unsaved_check = True  # type: ignore[attr-defined]
    outcome, _error = _run_check(candidate)
    return outcome

"""Incoming connections as the protocols see them: typed configs, OAuth tokens, check results, alerts."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mailconf import crypto
from mailconf.conf import mail_setting
from mailconf.models import CheckStatus, IncomingConnection
from mailconf.protocols.errors import TransportError
from mailconf.protocols.incoming import INBOX, IncomingConfig, IncomingMailbox, open_mailbox, parse_folder_list
from mailconf.protocols.oauth import EXCHANGE_SCOPE, GRAPH_SCOPE, OAuthConfig, acquire_app_token

log = logging.getLogger(__name__)

DEFAULT_FAILURE_ALERT_THRESHOLD = 3


def failure_alert_threshold() -> int:
    return int(getattr(settings, "MAIL_INCOMING_FAILURE_ALERT_THRESHOLD", DEFAULT_FAILURE_ALERT_THRESHOLD))


def access_token(conn: IncomingConnection) -> str:
    """The cached app-only token of the connection, renewed through msal shortly before it expires."""
    margin = timedelta(seconds=mail_setting("MAIL_TOKEN_REFRESH_MARGIN_SECONDS"))
    expires = conn.oauth_token_expires_at
    if conn.oauth_token_encrypted and expires and expires - margin > timezone.now():
        return crypto.decrypt(conn.oauth_token_encrypted)
    cfg = OAuthConfig(
        tenant_id=conn.tenant_id,
        client_id=conn.client_id,
        client_secret=conn.client_secret,
        scope=GRAPH_SCOPE if conn.protocol == "graph" else EXCHANGE_SCOPE,
        authority_host=mail_setting("MAIL_OAUTH_AUTHORITY_HOST"),
        ca_file=mail_setting("MAIL_CA_FILE") or None,
        timeout=mail_setting("MAIL_TIMEOUT"),
    )
    token = acquire_app_token(cfg)
    conn.oauth_token_encrypted = crypto.encrypt(token.token)
    conn.oauth_token_expires_at = token.expires_at
    IncomingConnection.objects.filter(pk=conn.pk).update(
        oauth_token_encrypted=conn.oauth_token_encrypted,
        oauth_token_expires_at=token.expires_at,
    )
    return token.token


def mailbox_config(conn: IncomingConnection) -> IncomingConfig:
    """The protocol config of a connection. POP3 has one folder, the inbox, whatever the setting says."""
    uses_token = conn.oauth2 or conn.protocol == "graph"
    folders = [list(INBOX)] if conn.protocol == "pop3" else (parse_folder_list(conn.folders) or [list(INBOX)])
    processed = parse_folder_list(conn.processed_folder)
    error = parse_folder_list(conn.error_folder)
    return IncomingConfig(
        host=conn.host,
        port=conn.port,
        encryption=conn.encryption,
        verify_certificate=conn.verify_certificate,
        ca_file=mail_setting("MAIL_CA_FILE") or None,
        login=conn.login,
        password="" if uses_token else conn.password,
        oauth2=uses_token,
        token_provider=(lambda: access_token(conn)) if uses_token else None,
        ews_url=conn.ews_url,
        graph_base_url=mail_setting("MAIL_GRAPH_URL"),
        folders=folders,
        processed_folder=processed[0] if processed else None,
        error_folder=error[0] if error else None,
        timeout=float(mail_setting("MAIL_TIMEOUT")),
    )


def open_connection(conn: IncomingConnection) -> IncomingMailbox:
    """An unopened mailbox client for the connection."""
    return open_mailbox(conn.protocol, mailbox_config(conn))


def check_connection(conn: IncomingConnection) -> TransportError | None:
    """The "Check" button: connect and authenticate, change nothing, record the outcome."""
    try:
        summary = open_connection(conn).check()
    except TransportError as exc:
        log.info("incoming mail check of %s failed: %s", conn.name, exc.message)
        record_result(conn, exc)
        return exc
    record_result(conn, None, message=summary)
    return None


def record_result(conn: IncomingConnection, error: TransportError | None, *, message: str = "") -> None:
    """Write one connection attempt (a check or a poll) onto the connection's status fields."""
    now = timezone.now()
    rows = IncomingConnection.objects.filter(pk=conn.pk)
    if error is None:
        rows.update(
            check_status=CheckStatus.SUCCESS,
            last_error=message[:2000],
            last_checked_at=now,
            last_success_at=now,
            consecutive_failures=0,
            failure_alert_sent=False,
        )
        conn.refresh_from_db(
            fields=[
                "check_status",
                "last_error",
                "last_checked_at",
                "last_success_at",
                "consecutive_failures",
                "failure_alert_sent",
            ]
        )
        return
    rows.update(
        check_status=CheckStatus.ERROR,
        last_error=error.message[:2000],
        last_checked_at=now,
        consecutive_failures=F("consecutive_failures") + 1,
    )
    conn.refresh_from_db(
        fields=["check_status", "last_error", "last_checked_at", "consecutive_failures", "failure_alert_sent"]
    )
    if conn.consecutive_failures >= failure_alert_threshold() and not conn.failure_alert_sent:
        # Claim the alert with a conditional UPDATE so two workers failing at once send it once.
        if IncomingConnection.objects.filter(pk=conn.pk, failure_alert_sent=False).update(failure_alert_sent=True):
            conn.failure_alert_sent = True
            alert_failing(conn, error)


def alert_failing(conn: IncomingConnection, error: TransportError) -> None:
    """Tell the administrator address (outbox, kind "system") and the notification rules."""
    _mail_admin(conn, error)
    notify("mail.connection_failing", {"MAIL_CONNECTION": conn.name, "MAIL_ERROR": error.message})


def notify(event_code: str, context: dict, ticket: object | None = None) -> None:
    """Emit a notification event if the notifications app provides `notify_event` (it is optional)."""
    try:
        from notifications.services import notify_event
    except ImportError:
        log.info("notifications app has no notify_event; %s not emitted", event_code)
        return
    try:
        notify_event(event_code, ticket=ticket, context=context)
    except Exception:  # a notification problem must not break mail intake
        log.exception("could not emit %s", event_code)


def _mail_admin(conn: IncomingConnection, error: TransportError) -> None:
    from mailconf.models import OutgoingConnection

    address = OutgoingConnection.load().admin_email
    if not address:
        log.warning("incoming connection %s is failing but no administrator e-mail is set", conn.name)
        return
    subject = _("Incoming mail connection “%(name)s” is failing") % {"name": conn.name}
    text = _(
        "The last %(count)s attempts to read the mailbox “%(name)s” (%(login)s) failed.\n"
        "The server said: %(error)s\n\nCheck the connection in System settings → Mail → Incoming mail."
    ) % {"count": conn.consecutive_failures, "name": conn.name, "login": conn.login, "error": error.message}
    try:
        from mailconf.services.outbox import enqueue_mail

        enqueue_mail(to=[address], subject=subject, text=text, kind="system")
    except Exception:  # the alert is best effort; the status on the connection card stays
        log.exception("could not queue the failing-connection alert for %s", conn.name)

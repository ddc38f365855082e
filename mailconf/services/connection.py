"""The outgoing connection as the protocols see it: typed configs, OAuth tokens, check results."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.db.models import F
from django.utils import timezone

from mailconf import crypto
from mailconf.conf import mail_setting
from mailconf.models import CheckStatus, OutgoingConnection
from mailconf.protocols.errors import TransportError
from mailconf.protocols.ews_out import EwsConfig
from mailconf.protocols.graph import GraphConfig
from mailconf.protocols.oauth import EXCHANGE_SCOPE, GRAPH_SCOPE, OAuthConfig, acquire_app_token
from mailconf.protocols.outgoing import OutgoingTransport, transport_for
from mailconf.protocols.smtp import SmtpConfig

log = logging.getLogger(__name__)

_SCOPES = {"graph": GRAPH_SCOPE, "ews": EXCHANGE_SCOPE, "smtp": EXCHANGE_SCOPE}


def access_token(conn: OutgoingConnection) -> str:
    """The cached app-only token, renewed through msal shortly before it expires.

    A failure to renew raises TransportError and raises the "token" alert for the administrator.
    """
    margin = timedelta(seconds=mail_setting("MAIL_TOKEN_REFRESH_MARGIN_SECONDS"))
    expires = conn.oauth_token_expires_at
    if conn.oauth_token_encrypted and expires and expires - margin > timezone.now():
        return crypto.decrypt(conn.oauth_token_encrypted)
    cfg = OAuthConfig(
        tenant_id=conn.tenant_id,
        client_id=conn.client_id,
        client_secret=conn.client_secret,
        scope=_SCOPES[conn.protocol],
        authority_host=mail_setting("MAIL_OAUTH_AUTHORITY_HOST"),
        ca_file=mail_setting("MAIL_CA_FILE") or None,
        timeout=mail_setting("MAIL_TIMEOUT"),
    )
    try:
        token = acquire_app_token(cfg)
    except TransportError as exc:
        from .alerts import raise_alert

        log.warning("OAuth token for outgoing mail not renewed: %s", exc.message)
        raise_alert("token", detail=exc.message)
        raise
    conn.oauth_token_encrypted = crypto.encrypt(token.token)
    conn.oauth_token_expires_at = token.expires_at
    OutgoingConnection.objects.filter(pk=conn.pk).update(
        oauth_token_encrypted=conn.oauth_token_encrypted, oauth_token_expires_at=token.expires_at
    )
    from .alerts import clear_alert

    clear_alert("token")
    return token.token


def forget_token(conn: OutgoingConnection) -> None:
    """Drop the cached token (after the application, tenant, secret or protocol changed)."""
    conn.oauth_token_encrypted = ""
    conn.oauth_token_expires_at = None


def protocol_config(conn: OutgoingConnection) -> Any:
    """The typed config of `conn.protocol`, built from the row and settings."""
    token = (lambda: access_token(conn)) if conn.oauth2 or conn.protocol == "graph" else None
    ca_file = mail_setting("MAIL_CA_FILE") or None
    timeout = float(mail_setting("MAIL_TIMEOUT"))
    if conn.protocol == "graph":
        assert token is not None
        return GraphConfig(
            user=conn.from_address,
            token=token,
            base_url=mail_setting("MAIL_GRAPH_URL"),
            ca_file=ca_file,
            timeout=timeout,
        )
    if conn.protocol == "ews":
        return EwsConfig(
            url=conn.ews_url, sender=conn.from_address, login=conn.login, password=conn.password, token=token
        )
    return SmtpConfig(
        host=conn.host,
        port=conn.port,
        encryption=conn.encryption,
        verify_certificate=conn.verify_certificate,
        auth=conn.auth,
        login=conn.login,
        password=conn.password if conn.auth and not conn.oauth2 else "",
        oauth_token=token,
        timeout=timeout,
        ca_file=ca_file,
        allow_port_25=bool(mail_setting("MAIL_ALLOW_PORT_25")),
        local_hostname=message_id_domain(conn),
    )


def open_transport(conn: OutgoingConnection) -> OutgoingTransport:
    """A transport for the connection, not yet opened."""
    return transport_for(conn.protocol, protocol_config(conn))


def message_id_domain(conn: OutgoingConnection | None = None) -> str:
    """Our own domain, for Message-IDs and EHLO."""
    configured = mail_setting("MAIL_MESSAGE_ID_DOMAIN")
    if configured:
        return configured
    if conn is not None and "@" in conn.from_address:
        return conn.from_address.rpartition("@")[2]
    from django.conf import settings

    return urlsplit(settings.SITE_URL).hostname or "localhost"


def record_result(error: TransportError | None) -> None:
    """Write one connection attempt (a check or a delivery batch) onto the connection's status."""
    now = timezone.now()
    rows = OutgoingConnection.objects.filter(pk=OutgoingConnection.SINGLETON_PK)
    if error is None:
        rows.update(
            check_status=CheckStatus.SUCCESS,
            last_error="",
            last_checked_at=now,
            last_success_at=now,
            consecutive_failures=0,
        )
        from .alerts import clear_alert

        clear_alert("failures")
        return
    rows.update(
        check_status=CheckStatus.ERROR,
        last_error=error.message[:2000],
        last_checked_at=now,
        consecutive_failures=F("consecutive_failures") + 1,
    )
    failures = rows.values_list("consecutive_failures", flat=True).first() or 0
    if failures >= mail_setting("MAIL_FAILURE_ALERT_THRESHOLD"):
        from .alerts import raise_alert

        raise_alert("failures", detail=error.message, count=failures)


def check_connection() -> TransportError | None:
    """The "Check" button: connect and authenticate, send nothing, record the outcome."""
    conn = OutgoingConnection.load()
    try:
        open_transport(conn).check()
    except TransportError as exc:
        log.info("outgoing mail check failed: %s", exc.message)
        record_result(exc)
        return exc
    record_result(None)
    return None


def save_connection_form(form: Any) -> OutgoingConnection:
    """Save the card's (or an import's) validated form, then `settings_saved`."""
    conn = form.save()
    settings_saved(form, conn)
    return conn


def settings_saved(form: Any, conn: OutgoingConnection) -> None:
    """MikoPBX's rule: saving changed settings mails a test message to the administrator address,
    which proves the new settings work end to end."""
    changed = form.changed_data or any(form.cleaned_data.get(n) for n in ("password", "client_secret"))
    if changed and conn.admin_email:
        send_test_mail(to=conn.admin_email, reason="settings")


def send_test_mail(*, to: str, reason: str = "manual") -> Any:
    """Put a test message to `to` in the outbox (same path as real mail) and return its row."""
    from django.conf import settings

    from .emails import send_code_mail

    conn = OutgoingConnection.load()
    context = {"reason": reason, "protocol": conn.get_protocol_display(), "site_url": settings.SITE_URL}
    return send_code_mail("test", to=[to], context=context, kind="test")

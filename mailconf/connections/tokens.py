"""The one OAuth2 token provider: app-only tokens for any stored connection, cached encrypted on it."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from mailconf import crypto
from mailconf.models import MailConnection
from mailconf.protocols.errors import TransportError
from mailconf.protocols.oauth import OAuthConfig, acquire_app_token

from .alerts import clear_alert, raise_alert
from .explain import failure_text
from .kinds import protocol_class

log = logging.getLogger(__name__)


def access_token(conn: MailConnection) -> str:
    """The connection's cached app-only token, renewed through msal shortly before it expires.

    The token is for the resource the protocol names (`oauth_scope`). A failure to renew raises
    TransportError and the "token" alert (kept for the outgoing connection; a mailbox reports it
    through its failing polls instead).
    """
    # A check of a card's unsaved values: neither cache the token on the stored row nor alert.
    unsaved = getattr(conn, "unsaved_check", False)
    margin = timedelta(seconds=settings.MAIL_TOKEN_REFRESH_MARGIN_SECONDS)
    expires = conn.oauth_token_expires_at
    if not unsaved and conn.oauth_token_encrypted and expires and expires - margin > timezone.now():
        return crypto.decrypt(conn.oauth_token_encrypted)
    cfg = OAuthConfig(
        tenant_id=conn.tenant_id,
        client_id=conn.client_id,
        client_secret=conn.client_secret,
        scope=protocol_class(conn).oauth_scope,
        authority_host=settings.MAIL_OAUTH_AUTHORITY_HOST,
        ca_file=settings.MAIL_CA_FILE or None,
        timeout=settings.MAIL_TIMEOUT,
    )
    try:
        token = acquire_app_token(cfg)
    except TransportError as exc:
        log.warning("OAuth token of %s not renewed: %s", conn, exc.message)
        if not unsaved:
            raise_alert(conn, "token", detail=failure_text(exc))
        raise
    if unsaved:
        return token.token
    conn.oauth_token_encrypted = crypto.encrypt(token.token)
    conn.oauth_token_expires_at = token.expires_at
    type(conn)._default_manager.filter(pk=conn.pk).update(
        oauth_token_encrypted=conn.oauth_token_encrypted, oauth_token_expires_at=token.expires_at
    )
    clear_alert(conn, "token")
    return token.token

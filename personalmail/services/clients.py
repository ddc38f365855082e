"""From a personal mailbox row to its protocol clients (IMAP for reading, SMTP for sending).

Both are built from the neutral `ConnectionSettings`, as the service desk's own connections are; a
mailbox authorised through OAuth2 hands the protocols a token provider instead of a password.
"""

from __future__ import annotations

from django.conf import settings

from mailconf.protocols.base import ConnectionSettings
from mailconf.protocols.imap_user import UserImapMailbox
from mailconf.protocols.smtp import SmtpTransport

from ..models import PersonalMailbox


def _common(mailbox: PersonalMailbox) -> dict[str, object]:
    oauth2 = mailbox.uses_oauth
    provider = None
    if oauth2:
        from .oauth import access_token

        def provider() -> str:
            return access_token(mailbox)

    return {
        "verify_certificate": mailbox.verify_certificate,
        "ca_file": settings.MAIL_CA_FILE or None,
        "login": mailbox.login,
        "password": "" if oauth2 else mailbox.password,
        "oauth2": oauth2,
        "token_provider": provider,
        "timeout": settings.MAIL_TIMEOUT,
    }


def imap_settings(mailbox: PersonalMailbox) -> ConnectionSettings:
    return ConnectionSettings(
        host=mailbox.imap_host,
        port=mailbox.imap_port,
        encryption=mailbox.imap_encryption,
        max_message_bytes=settings.MAIL_INCOMING_MAX_BYTES,
        **_common(mailbox),  # type: ignore[arg-type]
    )


def smtp_settings(mailbox: PersonalMailbox) -> ConnectionSettings:
    return ConnectionSettings(
        host=mailbox.smtp_host,
        port=mailbox.smtp_port,
        encryption=mailbox.smtp_encryption,
        auth=True,
        from_address=mailbox.email,
        allow_port_25=settings.MAIL_ALLOW_PORT_25,
        **_common(mailbox),  # type: ignore[arg-type]
    )


def imap_client(mailbox: PersonalMailbox) -> UserImapMailbox:
    """The mailbox's IMAP client, not yet opened (use it as a context manager)."""
    return UserImapMailbox.from_settings(imap_settings(mailbox))


def smtp_client(mailbox: PersonalMailbox) -> SmtpTransport:
    return SmtpTransport.from_settings(smtp_settings(mailbox))

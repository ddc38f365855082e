"""From a stored connection to its protocol client: the class from the registry, the settings in
the neutral shape every protocol config is built from, and our own domain name."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from mailconf.models import IncomingConnection, MailConnection, OutgoingConnection
from mailconf.protocols.base import ConnectionSettings
from mailconf.protocols.incoming import INCOMING_PROTOCOLS, IncomingMailbox, MailboxConfig, parse_folder_list
from mailconf.protocols.outgoing import OUTGOING_PROTOCOLS, OutgoingTransport

from .kinds import protocol_class
from .tokens import access_token


def base_settings(conn: MailConnection) -> ConnectionSettings:
    """What every protocol may read of a connection, whichever direction it serves.

    A protocol without password login (`token_only`, Microsoft Graph) always authenticates with
    the app-only token; the password is then left out.
    """
    oauth2 = conn.oauth2 or protocol_class(conn).token_only
    return ConnectionSettings(
        host=conn.host,
        port=conn.port,
        encryption=conn.encryption,
        verify_certificate=conn.verify_certificate,
        ca_file=settings.MAIL_CA_FILE or None,
        login=conn.login,
        password="" if oauth2 else conn.password,
        oauth2=oauth2,
        token_provider=(lambda: access_token(conn)) if oauth2 else None,
        ews_url=conn.ews_url,
        graph_base_url=settings.MAIL_GRAPH_URL,
        timeout=settings.MAIL_TIMEOUT,
    )


def message_id_domain(conn: OutgoingConnection | None = None) -> str:
    """Our own domain, for Message-IDs and EHLO: the setting, else the system address's domain,
    else the host of SITE_URL."""
    if settings.MAIL_MESSAGE_ID_DOMAIN:
        return settings.MAIL_MESSAGE_ID_DOMAIN
    if conn is not None and "@" in conn.from_address:
        return conn.from_address.rpartition("@")[2]
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def outgoing_settings(conn: OutgoingConnection) -> ConnectionSettings:
    return replace(
        base_settings(conn),
        auth=conn.auth,
        from_address=conn.from_address,
        allow_port_25=settings.MAIL_ALLOW_PORT_25,
        local_hostname=message_id_domain(conn),
    )


def mailbox_settings(conn: IncomingConnection) -> ConnectionSettings:
    """A mailbox's settings; a protocol without folders (POP3) reads the inbox whatever the setting says."""
    processed = parse_folder_list(conn.processed_folder)
    error = parse_folder_list(conn.error_folder)
    return replace(
        base_settings(conn),
        folders=parse_folder_list(conn.folders) if INCOMING_PROTOCOLS.class_for(conn.protocol).supports_folders else [],
        processed_folder=processed[0] if processed else None,
        error_folder=error[0] if error else None,
        max_message_bytes=settings.MAIL_INCOMING_MAX_BYTES,
        idle_recheck_seconds=settings.MAIL_IDLE_RECHECK_SECONDS,
    )


def open_transport(conn: OutgoingConnection) -> OutgoingTransport[Any]:
    """The connection's transport, not yet opened."""
    return OUTGOING_PROTOCOLS.class_for(conn.protocol).from_settings(outgoing_settings(conn))


def open_mailbox(conn: IncomingConnection) -> IncomingMailbox[Any]:
    """The mailbox's client, not yet opened (use it as a context manager)."""
    return INCOMING_PROTOCOLS.class_for(conn.protocol).from_settings(mailbox_settings(conn))


def mailbox_config(conn: IncomingConnection) -> MailboxConfig:
    """The typed protocol config of a mailbox (its folders, its size guard, ...)."""
    return INCOMING_PROTOCOLS.class_for(conn.protocol).config_class.from_settings(mailbox_settings(conn))


def client_for(conn: MailConnection) -> OutgoingTransport[Any] | IncomingMailbox[Any]:
    """The unopened protocol client of any stored connection."""
    if isinstance(conn, IncomingConnection):
        return open_mailbox(conn)
    if isinstance(conn, OutgoingConnection):
        return open_transport(conn)
    raise TypeError(f"no protocol client for a {type(conn).__name__}")

"""Which protocol registry serves which kind of stored connection."""

from __future__ import annotations

from typing import Any

from mailconf.models import IncomingConnection, MailConnection, OutgoingConnection
from mailconf.protocols.incoming import INCOMING_PROTOCOLS, IncomingMailbox
from mailconf.protocols.outgoing import OUTGOING_PROTOCOLS, OutgoingTransport
from mailconf.protocols.registry import Registry

ProtocolClass = type[OutgoingTransport[Any]] | type[IncomingMailbox[Any]]

REGISTRIES: dict[type[MailConnection], Registry[Any]] = {
    OutgoingConnection: OUTGOING_PROTOCOLS,
    IncomingConnection: INCOMING_PROTOCOLS,
}


def protocol_class(conn: MailConnection) -> ProtocolClass:
    """The protocol class of `conn.protocol`; a permanent TransportError for an unknown one."""
    cls: ProtocolClass = REGISTRIES[type(conn)].class_for(conn.protocol)
    return cls


def protocol_class_for(model: type[MailConnection], kind: str) -> ProtocolClass:
    """The same for a protocol value not (yet) on a row, e.g. a form's choice."""
    cls: ProtocolClass = REGISTRIES[model].class_for(kind)
    return cls

"""Build RFC 5322 messages from plain values, refusing anything that could inject a header.

Pure functions over dataclasses: nothing here knows about the database or settings. Every value
that a person can type is cleaned or refused here, and the message is assembled as bytes by our own
small encoders (`mime_headers`) rather than the email package: its modern folder drops spaces in
long non-ASCII headers, and building one message with it cost several milliseconds.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
import os
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime, getaddresses

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .mime_headers import address_field, filename_param, unstructured_field

__all__ = [
    "InvalidAddress",
    "MessageSpec",
    "OutgoingAttachment",
    "build_message",
    "clean_header_text",
    "make_message_id",
    "parse_address",
]

# Control characters (CR, LF, NUL, ...) never belong in a header; folding is the encoder's job.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]+")
_HEADER_NAME = re.compile(r"^[!-9;-~]+$")
# Long enough for any real header, short enough that "Name: " leaves room for an encoded word.
_MAX_HEADER_NAME = 60
_MSGID = re.compile(r"^<[^<>\s@]+@[^<>\s@]+>$")
# What `parse_address` lets through: ASCII, no whitespace, nothing that needs quoting in a header.
_ADDR_SPEC = re.compile(r"^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]+@[A-Za-z0-9.\-\[\]:]+$")
_CONTENT_TYPE = re.compile(r"^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+$")
# Text that may travel as 7bit: printable ASCII, tabs and line feeds, lines well under 998.
_SEVEN_BIT = re.compile(r"^[\t\n -~]*$")
_MAX_7BIT_LINE = 900
# Headers that the builder owns; callers' `headers` may not override them.
_RESERVED = frozenset(
    h.lower()
    for h in (
        "From",
        "To",
        "Cc",
        "Bcc",
        "Reply-To",
        "Subject",
        "Date",
        "Message-ID",
        "In-Reply-To",
        "References",
        "MIME-Version",
        "Content-Type",
        "Content-Transfer-Encoding",
        "Content-Disposition",
        "Sender",
        "Return-Path",
        "Auto-Submitted",
    )
)


class InvalidAddress(ValueError):
    """An address that is malformed or carries characters that could inject headers."""


@dataclass(frozen=True)
class OutgoingAttachment:
    """A file to attach; `content_type` is guessed from the name when empty."""

    filename: str
    content: bytes
    content_type: str = ""


@dataclass
class MessageSpec:
    """Everything a message is made of; addresses are already-validated addr-specs."""

    from_address: str
    sender_name: str
    to: Sequence[str]
    subject: str
    text: str
    message_id: str
    date: datetime
    cc: Sequence[str] = ()
    reply_to: str = ""
    html: str = ""
    in_reply_to: str = ""
    references: Sequence[str] = ()
    auto_submitted: bool = False
    attachments: Sequence[OutgoingAttachment] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)


def clean_header_text(value: str) -> str:
    """`value` on one line: runs of control characters (CR, LF, ...) become one space."""
    return _CONTROL.sub(" ", value or "").strip()


def parse_address(value: str) -> tuple[str, str]:
    """("display name", "addr@domain") from "addr@domain" or "Name <addr@domain>"; InvalidAddress otherwise.

    A value with CR/LF or naming more than one address is refused rather than repaired: a recipient
    list must never grow from inside one field.
    """
    if not value or _CONTROL.search(value):
        raise InvalidAddress(f"invalid e-mail address: {value!r}")
    parsed = getaddresses([value])
    if len(parsed) != 1 or not parsed[0][1]:
        raise InvalidAddress(f"invalid e-mail address: {value!r}")
    name, addr = parsed[0]
    try:
        validate_email(addr)
    except ValidationError:
        raise InvalidAddress(f"invalid e-mail address: {value!r}") from None
    local, _at, domain = addr.rpartition("@")
    addr = f"{local}@{_idna(domain)}"
    if not _ADDR_SPEC.match(addr):
        # Without SMTPUTF8 an address must be ASCII, and one that needs quoting has no place here.
        raise InvalidAddress(f"invalid e-mail address: {value!r}")
    return clean_header_text(name), addr


def _idna(domain: str) -> str:
    try:
        return domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise InvalidAddress(f"invalid domain: {domain!r}") from None


def make_message_id(domain: str) -> str:
    """A new Message-ID on `domain` (ours, so replies can be recognised as answers to our mail)."""
    return f"<{uuid.uuid4().hex}@{_idna(clean_header_text(domain)) or 'localhost'}>"


def valid_message_ids(values: Sequence[str]) -> list[str]:
    """The values that are well-formed `<id@domain>` Message-IDs; anything else is dropped."""
    return [v.strip() for v in values if v and _MSGID.match(v.strip())]


def build_message(spec: MessageSpec) -> bytes:
    """The message as CRLF bytes, ready for SMTP, Graph (MIME) or EWS (MimeContent).

    Assembled directly as bytes (the email package's folder loses spaces in long non-ASCII headers
    and costs milliseconds per message): 7-bit headers, every line under 998 characters, text as
    7bit or quoted-printable, attachments as base64. Raises ValueError for a disallowed extra header
    and InvalidAddress for an address that is not a plain ASCII addr-spec.
    """
    head = [
        address_field("From", [(_checked(spec.from_address), clean_header_text(spec.sender_name))]),
        _recipients_field("To", spec.to, spec.names) or "To: undisclosed-recipients:;\r\n",
        _recipients_field("Cc", spec.cc, spec.names),
        f"Reply-To: {_checked(spec.reply_to)}\r\n" if spec.reply_to else "",
        unstructured_field("Subject", clean_header_text(spec.subject)),
        f"Date: {format_datetime(spec.date)}\r\n",
        f"Message-ID: {clean_header_text(spec.message_id)}\r\n",
        _thread_headers(spec),
        "Auto-Submitted: auto-generated\r\n" if spec.auto_submitted else "",
        *_extra_headers(spec.headers),
        "MIME-Version: 1.0\r\n",
    ]
    part_head, body = _body(spec)
    return "".join(head).encode("ascii") + part_head + b"\r\n" + body


def _checked(addr: str) -> str:
    if not _ADDR_SPEC.match(addr or ""):
        raise InvalidAddress(f"invalid e-mail address: {addr!r}")
    return addr


def _recipients_field(name: str, addrs: Sequence[str], names: Mapping[str, str]) -> str:
    if not addrs:
        return ""
    return address_field(name, [(_checked(a), clean_header_text(names.get(a, ""))) for a in addrs])


def _thread_headers(spec: MessageSpec) -> str:
    in_reply_to = valid_message_ids([spec.in_reply_to])
    references = valid_message_ids(spec.references)
    lines = ""
    if in_reply_to:
        lines = f"In-Reply-To: {in_reply_to[0]}\r\n"
        if in_reply_to[0] not in references:
            references.append(in_reply_to[0])
    if references:
        # One id per line: a long thread stays within the line limits.
        lines += "References: " + "\r\n ".join(references) + "\r\n"
    return lines


def _extra_headers(headers: Mapping[str, str] | None) -> list[str]:
    lines = []
    for name, value in (headers or {}).items():
        if not _HEADER_NAME.match(name) or name.lower() in _RESERVED or len(name) > _MAX_HEADER_NAME:
            raise ValueError(f"header not allowed: {name!r}")
        lines.append(unstructured_field(name, clean_header_text(value)))
    return lines


def _body(spec: MessageSpec) -> tuple[bytes, bytes]:
    """(Content-* header lines, body) of the message's root entity."""
    entity = _text_part("plain", spec.text or "")
    if spec.html:
        entity = _multipart("alternative", [entity, _text_part("html", spec.html)])
    if spec.attachments:
        entity = _multipart("mixed", [entity, *(_attachment_part(a) for a in spec.attachments)])
    return entity


def _text_part(subtype: str, text: str) -> tuple[bytes, bytes]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.endswith("\n"):
        text += "\n"
    if _SEVEN_BIT.match(text) and max(map(len, text.split("\n"))) <= _MAX_7BIT_LINE:
        cte, body = "7bit", text.encode("ascii")
    else:
        # Quoted-printable keeps Latin text readable; its lines are at most 76 characters.
        cte, body = "quoted-printable", binascii.b2a_qp(text.encode("utf-8"), istext=True)
    head = f'Content-Type: text/{subtype}; charset="utf-8"\r\nContent-Transfer-Encoding: {cte}\r\n'
    return head.encode("ascii"), body.replace(b"\n", b"\r\n")


def _attachment_part(att: OutgoingAttachment) -> tuple[bytes, bytes]:
    content_type = att.content_type if _CONTENT_TYPE.match(att.content_type or "") else ""
    content_type = content_type or mimetypes.guess_type(att.filename)[0] or "application/octet-stream"
    head = (
        f"Content-Type: {content_type.lower()}\r\nContent-Transfer-Encoding: base64\r\n"
        f"Content-Disposition: attachment{filename_param(clean_header_text(att.filename) or 'attachment')}\r\n"
    )
    return head.encode("ascii"), base64.encodebytes(att.content).replace(b"\n", b"\r\n")


def _multipart(subtype: str, parts: list[tuple[bytes, bytes]]) -> tuple[bytes, bytes]:
    boundary = _boundary(parts)
    delimiter = b"--" + boundary + b"\r\n"
    # The CRLF before each delimiter belongs to the delimiter (RFC 2046 section 5.1.1).
    body = b"".join(delimiter + head + b"\r\n" + content + b"\r\n" for head, content in parts)
    head = b"Content-Type: multipart/" + subtype.encode("ascii") + b';\r\n boundary="' + boundary + b'"\r\n'
    return head, body + b"--" + boundary + b"--\r\n"


def _boundary(parts: list[tuple[bytes, bytes]]) -> bytes:
    # "=_" cannot occur in quoted-printable or base64; 7bit text is checked, however unlikely.
    while True:
        boundary = b"=_" + os.urandom(12).hex().encode("ascii")
        if not any(boundary in content for _head, content in parts):
            return boundary

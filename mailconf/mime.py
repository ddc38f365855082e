"""Build RFC 5322 messages from plain values, refusing anything that could inject a header.

Pure functions over dataclasses: nothing here knows about the database or settings. Python 3.11.7
predates the standard library's own fixes for CR/LF in folded headers (gh-121650), so every value
that a person can type is cleaned or refused here before it reaches `email`.
"""

from __future__ import annotations

import mimetypes
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

__all__ = [
    "InvalidAddress",
    "MessageSpec",
    "OutgoingAttachment",
    "build_message",
    "clean_header_text",
    "make_message_id",
    "parse_address",
]

# Control characters (CR, LF, NUL, ...) never belong in a header; folding is the library's job.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]+")
_HEADER_NAME = re.compile(r"^[!-9;-~]+$")
_MSGID = re.compile(r"^<[^<>\s@]+@[^<>\s@]+>$")
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
_POLICY = policy.SMTP.clone(max_line_length=78)


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
    return clean_header_text(name), f"{local}@{_idna(domain)}"


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


def _address(addr: str, name: str = "") -> Address:
    local, _at, domain = addr.rpartition("@")
    return Address(display_name=clean_header_text(name), username=local, domain=domain)


def build_message(spec: MessageSpec) -> bytes:
    """The message as CRLF bytes, ready for SMTP, Graph (MIME) or EWS (MimeContent)."""
    msg = EmailMessage(policy=_POLICY)
    msg["From"] = _address(spec.from_address, spec.sender_name)
    msg["To"] = [_address(a, spec.names.get(a, "")) for a in spec.to] or "undisclosed-recipients:;"
    if spec.cc:
        msg["Cc"] = [_address(a, spec.names.get(a, "")) for a in spec.cc]
    if spec.reply_to:
        msg["Reply-To"] = _address(spec.reply_to)
    msg["Subject"] = clean_header_text(spec.subject)
    msg["Date"] = format_datetime(spec.date)
    msg["Message-ID"] = spec.message_id
    _thread_headers(msg, spec)
    if spec.auto_submitted:
        msg["Auto-Submitted"] = "auto-generated"
    for name, value in (spec.headers or {}).items():
        if not _HEADER_NAME.match(name) or name.lower() in _RESERVED:
            raise ValueError(f"header not allowed: {name!r}")
        msg[name] = clean_header_text(value)
    _body(msg, spec)
    return msg.as_bytes()


def _thread_headers(msg: EmailMessage, spec: MessageSpec) -> None:
    in_reply_to = valid_message_ids([spec.in_reply_to])
    references = valid_message_ids(spec.references)
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to[0]
        if in_reply_to[0] not in references:
            references.append(in_reply_to[0])
    if references:
        msg["References"] = " ".join(references)


def _body(msg: EmailMessage, spec: MessageSpec) -> None:
    msg.set_content(spec.text or "", subtype="plain", charset="utf-8", cte=_cte(spec.text))
    if spec.html:
        msg.add_alternative(spec.html, subtype="html", charset="utf-8", cte=_cte(spec.html))
    for att in spec.attachments:
        content_type = att.content_type or mimetypes.guess_type(att.filename)[0] or "application/octet-stream"
        maintype, _slash, subtype = content_type.partition("/")
        # The email package writes non-ASCII names as RFC 2231 `filename*=utf-8''...` parameters.
        msg.add_attachment(
            att.content,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=clean_header_text(att.filename) or "attachment",
        )


def _cte(text: str) -> str:
    # ASCII-only short-lined text travels as is; anything else as quoted-printable (readable, 7-bit safe).
    if text.isascii() and all(len(line) <= 900 for line in text.splitlines()):
        return "7bit"
    return "quoted-printable"

"""Parsing of incoming mail: raw bytes in, one plain dataclass out.

This package knows nothing of tickets, Django models or mail protocols; it imports only the
standard library, nh3, lxml and charset-normalizer. Public API (stable; the intake codes
against it):

``parse_message(raw: bytes, *, max_size: int = 25 * 1024 * 1024) -> ParsedMessage``
    Parse one RFC 5322 message given as bytes. Raises :class:`ParseError` (``.reason`` is a
    short English sentence) when the message is over ``max_size`` or structurally
    pathological (over 1,000 header fields or 1 MB of headers, over 1,000 MIME parts, over
    200 multipart/message containers). Anything merely malformed (bad charsets, garbage dates
    or addresses, broken base64, damaged winmail.dat, a BOM or mbox separator before the
    header, malformed header lines, obsolete RFC 5322 syntax) still parses, and MIME nested
    deeper than 30 levels is cut there, the rest kept as ``nested-part-N.eml`` attachments;
    what was guessed, repaired or dropped is listed in ``ParsedMessage.warnings``.
    Every string of the result is storable (no NUL, no lone surrogate; scrub.py), display names
    are at most 255 characters and addresses at most 254, and the work is bounded on hostile
    input: HTML nested deeper than 256 levels is flattened before sanitising, HTML with over
    50,000 entities or 150,000 tags is kept as text only, address headers are read up to 128 KB
    and 2,000 addresses, compressed RTF in winmail.dat is expanded to at most 5 MB.

:class:`ParsedMessage`
    ``message_id`` (no angle brackets; when missing, ``<sha256 of raw>@synthesized.servicedesk
    .invalid`` with ``message_id_synthesized=True``), ``in_reply_to``, ``references`` (list,
    oldest first), ``subject`` (decoded, one line), ``from_`` (:class:`Address` or None; when From
    has no usable address, taken from Sender, Reply-To, Return-Path, then the mbox separator
    line), ``from_source`` (which of those: "From", "Sender", ..., "mbox separator line", ""
    when none) and ``from_note`` (a sentence for the mail log when it is not From), ``to``/``cc``/``reply_to`` (lists of
    :class:`Address`, addresses lowercased), ``date`` (aware datetime or None),
    ``ticket_number`` (from a ``[#123]`` subject tag), ``text`` (full plain text; derived
    from HTML for HTML-only mail), ``reply_text`` (``text`` without quoted history and
    trailing signature; may be empty), ``html`` (sanitised for display, "" when the mail had
    no HTML; ``cid:`` image references kept for the caller to map), ``attachments``,
    flags ``is_auto_reply``, ``is_bulk`` (mailing-list/bulk headers), ``is_bounce``,
    ``is_own_loop`` (our :data:`ORIGIN_HEADER` came back), property ``is_noise`` (any of
    auto-reply, bounce, own loop: never answer automatically), ``auto_reason`` (first reason
    found, for logs), ``bounce`` (:class:`BounceInfo` when ``is_bounce``), ``size``, ``warnings``.

:class:`ParsedAttachment`
    ``filename`` (decoded, safe, never empty), ``content_type``, ``payload`` (bytes),
    ``size``, ``content_id`` (no brackets) , ``is_inline`` (the HTML shows it via ``cid:``),
    ``disposition``. Includes files unpacked from winmail.dat and uuencoded blocks; forwarded
    messages (message/rfc822) come as ``<subject>.eml``; S/MIME signatures as ``smime.p7s``.

:class:`BounceInfo`
    ``recipients`` (:class:`BounceRecipient`: address, action, status such as "5.1.1",
    diagnostic), ``failed_recipients``, ``original_message_id`` (the Message-ID of our
    returned message, to mark the outbox row).

Helpers and constants: ``find_ticket_tag(subject) -> int | None``, ``strip_ticket_tags(subject)``,
``REPLY_MARKER`` (the line notification templates put above quoted history), ``ORIGIN_HEADER`` (the header our outgoing
mail carries so it is recognised when it loops back).
"""

from __future__ import annotations

from .classify import ORIGIN_HEADER
from .limits import DEFAULT_MAX_SIZE
from .model import Address, BounceInfo, BounceRecipient, ParsedAttachment, ParsedMessage, ParseError
from .parser import parse_message
from .quoting import REPLY_MARKER, REPLY_MARKERS, trim_reply
from .tags import find_ticket_tag, strip_ticket_tags

__all__ = [
    "DEFAULT_MAX_SIZE",
    "ORIGIN_HEADER",
    "REPLY_MARKER",
    "REPLY_MARKERS",
    "Address",
    "BounceInfo",
    "BounceRecipient",
    "ParseError",
    "ParsedAttachment",
    "ParsedMessage",
    "find_ticket_tag",
    "strip_ticket_tags",
    "parse_message",
    "trim_reply",
]

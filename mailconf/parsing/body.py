"""Walking the MIME tree: which parts are the body and which are files.

Rules (the usual mail-client reading of MIME):
- multipart/alternative: the last text/plain branch gives ``text``, the last HTML-bearing branch
  gives the HTML; files found in any branch (inline images, calendar invites) are kept;
- multipart/related: the root part (``start`` or the first) is walked as body, the others are
  resources, usually images referenced as ``cid:``;
- multipart/signed: the first part is the content, the signature is kept as a file;
- multipart/report: the first part is the human-readable explanation; the machine-readable
  status is read by the bounce classifier, returned messages are kept as ``.eml`` files;
- message/rfc822 parts become ``.eml`` files named after their subject; their text is not
  mixed into the body;
- text parts with a file name or ``attachment`` disposition are files, other text parts are body;
- TNEF (winmail.dat) is unpacked into its files and, when nothing else carries one, its body.
"""

from __future__ import annotations

import binascii
import mimetypes
import re
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import Policy

from . import tnef
from .charset import decode_bytes
from .fastpath import raw_payload
from .filenames import part_filename, safe_filename
from .headers import decode_subject
from .limits import Limits
from .model import ParsedAttachment, ParseError
from .nesting import CAPPED_HEADER
from .tolerant import TolerantMessage
from .uu import extract_uuencoded

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]{1,40})""", re.IGNORECASE)
_TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}
# Machine-readable parts of reports; classify.bounce_info reads them, nobody needs them as files.
_REPORT_PARTS = {
    "message/delivery-status",
    "text/rfc822-headers",
    "message/disposition-notification",
    "message/global-delivery-status",
    "message/global-disposition-notification",
}
_ALWAYS_FILE = {"text/calendar", "text/x-vcard", "text/vcard", "text/csv", "text/xml"}


@dataclass(slots=True)
class Body:
    text_parts: list[str] = field(default_factory=list)
    html_parts: list[str] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    fallback_text: str = ""  # from TNEF, used only when no other part carries a body
    fallback_html: str = ""
    warnings: list[str] = field(default_factory=list)

    def absorb_files(self, other: Body) -> None:
        self.attachments.extend(other.attachments)
        self.warnings.extend(other.warnings)
        self.fallback_text = self.fallback_text or other.fallback_text
        self.fallback_html = self.fallback_html or other.fallback_html


class BodyCollector:
    """Walks one parsed message; counts parts and depth against the limits as it goes."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.parts_seen = 0

    def collect(self, msg: Message) -> Body:
        body = Body()
        self._visit(msg, body, 0)
        return body

    def _visit(self, part: Message, body: Body, depth: int) -> None:
        self.parts_seen += 1
        if part.get(CAPPED_HEADER) is not None or depth > self.limits.max_depth:
            # Wrapped by nesting.cap_nesting (or deeper than it foresaw): one .eml file each.
            self._keep_subtree(part, body)
            return
        if self.parts_seen > self.limits.max_parts:
            raise ParseError(f"message has more than {self.limits.max_parts} MIME parts")
        ctype = content_type(part)
        if part.is_multipart() and ctype.startswith("multipart/"):
            self._multipart(part, ctype, body, depth)
        elif ctype in ("message/rfc822", "message/global") and isinstance(part.get_payload(), list):
            body.attachments.append(_message_file(part))
        elif ctype in _TNEF_TYPES or _is_winmail(part):
            self._tnef(part, body)
        elif ctype.startswith("multipart/"):
            recovered = _recover_boundary(part, ctype)
            if recovered is not None:
                body.warnings.append("multipart boundary did not match the declared one; parts recovered")
                # In place, so the classifier's walk (delivery-status of bounces) sees the parts too.
                part.set_payload(recovered.get_payload())
                self._multipart(part, ctype, body, depth)
            else:
                self._text(part, body)  # a multipart without a usable boundary: the parser left it as text
        elif self._is_file(part, ctype):
            body.attachments.append(make_attachment(part, ctype, len(body.attachments)))
        elif ctype == "text/html":
            self._html(part, body)
        else:
            self._text(part, body)

    def _multipart(self, part: Message, ctype: str, body: Body, depth: int) -> None:
        children = [p for p in part.get_payload() if isinstance(p, Message)]
        stray = _parts_after_close(part)
        if stray:
            body.warnings.append("parts found after the closing MIME delimiter were kept")
            for child in stray:
                self._visit_as_file(child, body, depth + 1)
        if ctype == "multipart/alternative":
            self._alternative(children, body, depth)
        elif ctype == "multipart/related" and children:
            root = _related_root(part, children)
            self._visit(root, body, depth + 1)
            for child in children:
                if child is not root:
                    self._visit_as_file(child, body, depth + 1)
        elif ctype in ("multipart/signed", "multipart/report") and children:
            self._visit(children[0], body, depth + 1)
            for child in children[1:]:
                if child.get_content_type() not in _REPORT_PARTS:
                    self._visit_as_file(child, body, depth + 1)
        else:
            for child in children:
                self._visit(child, body, depth + 1)

    def _alternative(self, children: list[Message], body: Body, depth: int) -> None:
        text: list[str] = []
        html: list[str] = []
        for child in children:
            branch = Body()
            self._visit(child, branch, depth + 1)
            body.absorb_files(branch)
            if branch.html_parts:
                html = branch.html_parts
            if branch.text_parts and child.get_content_type() != "text/html":
                text = branch.text_parts
        body.text_parts.extend(text)
        body.html_parts.extend(html)

    def _keep_subtree(self, part: Message, body: Body) -> None:
        if not part.is_multipart():
            body.attachments.append(make_attachment(part, "message/rfc822", len(body.attachments)))
            return
        try:
            payload = flatten(part)
        except RecursionError:
            raise ParseError(f"MIME nesting deeper than {self.limits.max_depth} levels") from None
        name = f"nested-part-{len(body.attachments) + 1}.eml"
        body.attachments.append(
            ParsedAttachment(filename=name, content_type="message/rfc822", payload=payload, disposition="attachment")
        )

    def _visit_as_file(self, part: Message, body: Body, depth: int) -> None:
        if part.is_multipart():
            self._visit(part, body, depth)
            return
        self.parts_seen += 1
        ctype = content_type(part)
        if ctype in ("message/rfc822", "message/global") and isinstance(part.get_payload(), list):
            body.attachments.append(_message_file(part))
        else:
            body.attachments.append(make_attachment(part, ctype, len(body.attachments)))

    def _is_file(self, part: Message, ctype: str) -> bool:
        if not ctype.startswith("text/") or ctype in _ALWAYS_FILE:
            return True
        if _disposition(part) == "attachment" or part_filename(part):
            return True
        return _payload_size(part) > self.limits.max_body_part

    def _text(self, part: Message, body: Body) -> None:
        text = _decode_text(part)
        if str(part.get_param("format", "")).lower() == "flowed":
            text = unflow(text, delsp=str(part.get_param("delsp", "")).lower() == "yes")
        text, files = extract_uuencoded(text)
        for name, data in files:
            ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
            body.attachments.append(
                ParsedAttachment(
                    filename=safe_filename(name, ctype, len(body.attachments)),
                    content_type=ctype,
                    payload=data,
                    disposition="attachment",
                )
            )
        if text.strip():
            body.text_parts.append(text.strip("\n"))

    def _html(self, part: Message, body: Body) -> None:
        body.html_parts.append(_decode_text(part))

    def _tnef(self, part: Message, body: Body) -> None:
        data = decoded_payload(part) or b""
        try:
            unpacked = tnef.parse_tnef(data)
        except tnef.TnefError as exc:
            body.warnings.append(f"winmail.dat kept as a file: {exc}")
            body.attachments.append(make_attachment(part, "application/ms-tnef", len(body.attachments)))
            return
        for item in unpacked.attachments:
            declared = item.mime_type.strip().lower()
            if not (declared.isascii() and declared.count("/") == 1):
                declared = ""
            ctype = declared or mimetypes.guess_type(item.filename)[0] or "application/octet-stream"
            body.attachments.append(
                ParsedAttachment(
                    filename=safe_filename(item.filename, ctype, len(body.attachments)),
                    content_type=ctype,
                    payload=item.data,
                    content_id=item.content_id.strip("<> ") or None,
                    disposition="attachment",
                )
            )
        body.fallback_text = body.fallback_text or unpacked.body.replace("\r\n", "\n")
        if unpacked.html:
            body.fallback_html = body.fallback_html or decode_bytes(unpacked.html, _meta_charset(unpacked.html))
        elif unpacked.rtf and not unpacked.body:
            self._tnef_rtf(unpacked.rtf, body, part)

    def _tnef_rtf(self, compressed: bytes, body: Body, part: Message) -> None:
        try:
            rtf = tnef.decompress_rtf(compressed, limit=self.limits.max_body_part)
        except tnef.TnefError as exc:
            # The body is in there and nowhere else: keep the container for the agent to open.
            body.warnings.append(f"RTF body of winmail.dat not decoded, winmail.dat kept as a file: {exc}")
            body.attachments.append(make_attachment(part, "application/ms-tnef", len(body.attachments)))
            return
        body.attachments.append(
            ParsedAttachment(
                filename="message.rtf",
                content_type="application/rtf",
                payload=rtf,
                disposition="attachment",
            )
        )


def decoded_payload(part: Message) -> bytes | None:
    """Like ``get_payload(decode=True)``, but base64 goes straight to binascii, which skips
    line breaks itself: the stdlib path splits and re-joins every line first (4x slower)."""
    payload = raw_payload(part)
    if isinstance(payload, str) and str(part.get("Content-Transfer-Encoding", "")).strip().lower() == "base64":
        try:
            return binascii.a2b_base64(payload.encode("ascii", "surrogateescape"))
        except binascii.Error:
            pass  # broken padding and such: the stdlib decoder repairs what it can
    decoded = part.get_payload(decode=True)
    return decoded if isinstance(decoded, bytes) else None


def flatten(part: Message) -> bytes:
    """The part as bytes; the stdlib byte generator refuses some damaged text, the string one not."""
    try:
        return part.as_bytes()
    except (UnicodeError, LookupError, ValueError):
        return part.as_string().encode("utf-8", "surrogateescape")


def make_attachment(part: Message, ctype: str, index: int) -> ParsedAttachment:
    payload = decoded_payload(part)
    if payload is None:  # a multipart posing as a leaf: keep what the generator writes
        payload = flatten(part)
    cid = part.get("Content-ID")
    return ParsedAttachment(
        filename=safe_filename(part_filename(part), ctype, index),
        content_type=ctype,
        payload=payload,
        content_id=decode_subject(str(cid)).strip("<> ") or None if cid else None,
        disposition=_disposition(part),
    )


def _message_file(part: Message) -> ParsedAttachment:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if not isinstance(inner, Message):  # callers pass message/rfc822 parts, which hold one message
        raise ParseError("a message/rfc822 part holds no message")
    try:
        raw = inner.as_bytes()
    except (UnicodeError, LookupError, ValueError):
        raw = str(inner).encode("utf-8", "surrogateescape")
    # A slash in a subject is punctuation, not a directory: keep the words on both sides.
    subject = (decode_subject(inner.get("Subject")) or "message").replace("/", "_").replace("\\", "_")
    return ParsedAttachment(
        filename=safe_filename(subject[:150] + ".eml", "message/rfc822", 0),
        content_type="message/rfc822",
        payload=raw,
        disposition=_disposition(part) or "attachment",
    )


_DELIMITER_LINE = re.compile(r"^--([^\s]{1,200})[ \t]*\r?$", re.MULTILINE)


def _reparse(header: str, payload: str, policy: Policy[Message]) -> Message:
    raw = (header + "\n\n" + payload).encode("utf-8", "surrogateescape")
    return BytesParser(TolerantMessage, policy=policy).parsebytes(raw)


def _recover_boundary(part: Message, ctype: str) -> Message | None:
    """A multipart whose declared boundary never occurs (spam kits, broken generators, a
    boundary parameter cut short): when its first delimiter-looking line near the top recurs
    further down, parse the body with that boundary."""
    payload = raw_payload(part)
    if not isinstance(payload, str):
        return None
    match = _DELIMITER_LINE.search(payload, 0, 8192)
    if match is None:
        return None
    boundary = match.group(1).removesuffix("--").replace('"', "")
    header_follows = payload[match.end() :].lstrip("\r\n")[:40].lower().startswith("content-")
    if not boundary or not (header_follows or payload.count("\n--" + boundary, match.end())):
        return None
    recovered = _reparse(f'Content-Type: {ctype}; boundary="{boundary}"', payload, part.policy)
    return recovered if recovered.is_multipart() and recovered.get_payload() else None


def _parts_after_close(part: Message) -> list[Message]:
    """Parts written after the closing delimiter, seen when a nested multipart reuses its
    parent's boundary: the inner "--boundary--" closes the outer one and the rest (often the
    attachment) ends up in the epilogue. Mail clients still show those parts."""
    epilogue = part.epilogue
    boundary = part.get_boundary()
    if not epilogue or not boundary or f"--{boundary}" not in epilogue:
        return []
    recovered = _reparse(f'Content-Type: multipart/mixed; boundary="{boundary}"', epilogue, part.policy)
    part.epilogue = ""  # walked once; the parts are ours now
    if not recovered.is_multipart():
        return []
    return [p for p in recovered.get_payload() if isinstance(p, Message)]


def content_type(part: Message) -> str:
    """The lowercase type/subtype; 8-bit garbage in it counts as no usable type."""
    ctype = part.get_content_type()
    return ctype if ctype.isascii() else "application/octet-stream"


def _disposition(part: Message) -> str:
    value = part.get("Content-Disposition")
    if not value:
        return ""
    word = str(value).split(";", 1)[0].strip().lower()[:30]
    return word if word.isascii() else ""


def _payload_size(part: Message) -> int:
    payload = raw_payload(part)
    return len(payload) if isinstance(payload, str) else 0


def _is_winmail(part: Message) -> bool:
    return part.get_content_maintype() == "application" and part_filename(part).lower() == "winmail.dat"


def _related_root(part: Message, children: list[Message]) -> Message:
    start = str(part.get_param("start", "") or "").strip().strip("<>")
    if start:
        for child in children:
            if str(child.get("Content-ID", "")).strip().strip("<>") == start:
                return child
    return children[0]


def _decode_text(part: Message) -> str:
    data = decoded_payload(part) or b""
    charset = part.get_content_charset()
    if charset is None and part.get_content_type() == "text/html":
        charset = _meta_charset(data)
    text = decode_bytes(data, charset)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def unflow(text: str, *, delsp: bool) -> str:
    """Undo RFC 3676 format=flowed soft line breaks (a line ending in a space continues on the
    next line of the same quote depth)."""
    out: list[str] = []
    buffer: str | None = None
    buffer_depth = 0
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]  # space-stuffing
        if buffer is not None and depth != buffer_depth:
            out.append(_quote_prefix(buffer_depth) + buffer)
            buffer = None
        flowed = content.endswith(" ") and content != "-- "
        piece = content[:-1] if flowed and delsp else content
        buffer = piece if buffer is None else buffer + piece
        buffer_depth = depth
        if not flowed:
            out.append(_quote_prefix(depth) + buffer)
            buffer = None
    if buffer is not None:
        out.append(_quote_prefix(buffer_depth) + buffer)
    return "\n".join(out)


def _quote_prefix(depth: int) -> str:
    return ">" * depth + " " if depth else ""

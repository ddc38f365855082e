"""A small reader for TNEF (``winmail.dat``, ``application/ms-tnef``) as Outlook sends it.

We need only the attached files and the message body; the format is simple enough (a flat list
of attributes, some holding MAPI property lists) that a bounds-checked reader is shorter than
vetting a dependency (the PyPI one, tnefparse, has had no release since 2021). Any malformed
input raises :class:`TnefError`; the caller then keeps ``winmail.dat`` as an ordinary file.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

TNEF_SIGNATURE = 0x223E9F78

LVL_MESSAGE = 1
LVL_ATTACHMENT = 2

# Attribute ids (low 16 bits of the attribute tag).
ATT_BODY = 0x800C
ATT_ATTACH_DATA = 0x800F
ATT_ATTACH_TITLE = 0x8010
ATT_ATTACH_REND_DATA = 0x9002
ATT_MSG_PROPS = 0x9003
ATT_ATTACHMENT = 0x9005
ATT_OEM_CODEPAGE = 0x9007

# MAPI property ids.
PR_BODY = 0x1000
PR_RTF_COMPRESSED = 0x1009
PR_BODY_HTML = 0x1013
PR_DISPLAY_NAME = 0x3001
PR_ATTACH_DATA = 0x3701
PR_ATTACH_FILENAME = 0x3704
PR_ATTACH_LONG_FILENAME = 0x3707
PR_ATTACH_MIME_TAG = 0x370E
PR_ATTACH_CONTENT_ID = 0x3712

PT_STRING8 = 0x001E
PT_UNICODE = 0x001F
PT_BINARY = 0x0102
PT_OBJECT = 0x000D
_FIXED_SIZES = {
    0x0001: 4,
    0x0002: 4,
    0x0003: 4,
    0x0004: 4,
    0x0005: 8,
    0x0006: 8,
    0x0007: 8,
    0x000A: 4,
    0x000B: 4,
    0x0014: 8,
    0x0040: 8,
    0x0048: 16,
}
_MAX_PROPS = 10_000


class TnefError(ValueError):
    """The data is not TNEF or is damaged."""


@dataclass(slots=True)
class TnefAttachment:
    filename: str = ""
    data: bytes = b""
    mime_type: str = ""
    content_id: str = ""


@dataclass(slots=True)
class TnefMessage:
    body: str = ""
    html: bytes = b""
    rtf: bytes = b""
    attachments: list[TnefAttachment] = field(default_factory=list)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, size: int) -> bytes:
        if size < 0 or self.pos + size > len(self.data):
            raise TnefError("truncated TNEF data")
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk

    def u16(self) -> int:
        return struct.unpack("<H", self.take(2))[0]

    def u32(self) -> int:
        return struct.unpack("<I", self.take(4))[0]

    def done(self) -> bool:
        return self.pos >= len(self.data)


def parse_tnef(data: bytes) -> TnefMessage:
    """Decode a TNEF stream into body and attachments."""
    reader = _Reader(data)
    if reader.u32() != TNEF_SIGNATURE:
        raise TnefError("not a TNEF stream")
    reader.u16()  # legacy key
    message = TnefMessage()
    codepage = "cp1252"
    current: TnefAttachment | None = None
    while not reader.done():
        level = reader.take(1)[0]
        tag = reader.u32()
        value = reader.take(reader.u32())
        reader.u16()  # checksum: Outlook computes it, readers in the wild ignore it; so do we
        attr_id = tag & 0xFFFF
        if level == LVL_MESSAGE:
            if attr_id == ATT_OEM_CODEPAGE and len(value) >= 4:
                codepage = f"cp{struct.unpack('<I', value[:4])[0]}"
            elif attr_id == ATT_BODY:
                message.body = _text(value, codepage)
            elif attr_id == ATT_MSG_PROPS:
                _apply_message_props(message, read_mapi_props(value), codepage)
        elif level == LVL_ATTACHMENT:
            if attr_id == ATT_ATTACH_REND_DATA or current is None:
                current = TnefAttachment()
                message.attachments.append(current)
            if attr_id == ATT_ATTACH_TITLE:
                current.filename = current.filename or _text(value, codepage)
            elif attr_id == ATT_ATTACH_DATA:
                current.data = value
            elif attr_id == ATT_ATTACHMENT:
                _apply_attachment_props(current, read_mapi_props(value), codepage)
        else:
            raise TnefError(f"unknown attribute level {level}")
    message.attachments = [a for a in message.attachments if a.data or a.filename]
    return message


def _text(value: bytes, codepage: str) -> str:
    value = value.rstrip(b"\x00")
    try:
        return value.decode(codepage)
    except (LookupError, UnicodeDecodeError):
        return value.decode("cp1252", errors="replace")


def _prop_text(value: bytes | str, codepage: str) -> str:
    return value if isinstance(value, str) else _text(value, codepage)


def _apply_message_props(message: TnefMessage, props: dict[int, bytes | str], codepage: str) -> None:
    if PR_BODY in props and not message.body:
        message.body = _prop_text(props[PR_BODY], codepage)
    if PR_BODY_HTML in props:
        html = props[PR_BODY_HTML]
        message.html = html.encode("utf-8") if isinstance(html, str) else html.rstrip(b"\x00")
    rtf = props.get(PR_RTF_COMPRESSED)
    if isinstance(rtf, bytes):
        message.rtf = rtf


def _apply_attachment_props(att: TnefAttachment, props: dict[int, bytes | str], codepage: str) -> None:
    for key in (PR_ATTACH_LONG_FILENAME, PR_DISPLAY_NAME, PR_ATTACH_FILENAME):
        if props.get(key):
            att.filename = _prop_text(props[key], codepage)
            break
    if props.get(PR_ATTACH_MIME_TAG):
        att.mime_type = _prop_text(props[PR_ATTACH_MIME_TAG], codepage)
    if props.get(PR_ATTACH_CONTENT_ID):
        att.content_id = _prop_text(props[PR_ATTACH_CONTENT_ID], codepage)
    data = props.get(PR_ATTACH_DATA)
    if not att.data and isinstance(data, bytes):
        att.data = data


def read_mapi_props(data: bytes) -> dict[int, bytes | str]:
    """Single-valued string/binary/object properties by id (first value of multi-valued ones);
    fixed-size values are skipped because nothing here needs them."""
    reader = _Reader(data)
    count = reader.u32()
    if count > _MAX_PROPS:
        raise TnefError("too many MAPI properties")
    props: dict[int, bytes | str] = {}
    for _ in range(count):
        prop_type = reader.u16()
        prop_id = reader.u16()
        if prop_id >= 0x8000:  # named property: GUID, kind, then an id or a name
            reader.take(16)
            if reader.u32() == 0:
                reader.u32()
            else:
                reader.take(_padded(reader.u32()))
        value = _read_value(reader, prop_type)
        if value is not None:
            props[prop_id] = value
    return props


def _read_value(reader: _Reader, prop_type: int) -> bytes | str | None:
    multi = bool(prop_type & 0x1000)
    base = prop_type & 0x0FFF
    if base in _FIXED_SIZES:
        count = reader.u32() if multi else 1
        reader.take(_padded(_FIXED_SIZES[base]) * count)
        return None
    if base not in (PT_STRING8, PT_UNICODE, PT_BINARY, PT_OBJECT):
        raise TnefError(f"unsupported MAPI property type {prop_type:#06x}")
    values = []
    for _ in range(reader.u32()):
        size = reader.u32()
        values.append(reader.take(_padded(size))[:size])
    if not values:
        return None
    raw = values[0]
    if base == PT_UNICODE:
        return raw.decode("utf-16-le", errors="replace").rstrip("\x00")
    if base == PT_OBJECT:
        return raw[16:]  # skip the interface id that precedes embedded data
    return raw


def _padded(size: int) -> int:
    return (size + 3) & ~3


_RTF_PREBUF = (
    b"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript "
    b"\\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par "
    b"\\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx"
)
_LZFU = 0x75465A4C
_MELA = 0x414C454D


def decompress_rtf(data: bytes, *, limit: int = 5 * 1024 * 1024) -> bytes:
    """Decompress PR_RTF_COMPRESSED ([MS-OXRTFCP]); raises TnefError on damaged input and when
    the result would pass ``limit`` bytes: each 2-byte reference expands to 17 bytes, so a
    2 MB winmail.dat declaring a huge size decompressed to 14 MB in a Python loop."""
    reader = _Reader(data)
    comp_size, raw_size, magic, _crc = (reader.u32() for _ in range(4))
    if magic == _MELA:
        return reader.take(min(raw_size, len(data) - 16))
    if magic != _LZFU:
        raise TnefError("unknown compressed RTF format")
    window = bytearray(4096)
    window[: len(_RTF_PREBUF)] = _RTF_PREBUF
    write = len(_RTF_PREBUF)
    out = bytearray()
    end = min(len(data), comp_size + 4)
    pos = 16
    while pos < end:
        control = data[pos]
        pos += 1
        for bit in range(8):
            if pos >= end:
                break
            if control & (1 << bit):
                if pos + 2 > end:
                    raise TnefError("truncated compressed RTF")
                word = (data[pos] << 8) | data[pos + 1]
                pos += 2
                offset, length = word >> 4, (word & 0x0F) + 2
                if offset == write:
                    return bytes(out)
                for i in range(length):
                    byte = window[(offset + i) & 0xFFF]
                    out.append(byte)
                    window[write] = byte
                    write = (write + 1) & 0xFFF
            else:
                byte = data[pos]
                pos += 1
                out.append(byte)
                window[write] = byte
                write = (write + 1) & 0xFFF
            if len(out) > raw_size + 4096:
                raise TnefError("compressed RTF larger than declared")
            if len(out) > limit:
                raise TnefError(f"compressed RTF expands to over {limit} bytes")
    return bytes(out)

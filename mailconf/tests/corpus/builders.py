"""Byte-level helpers for make_corpus.py: MIME pieces written by hand so each message can be
exactly as broken as the real mail it imitates (the stdlib generator would fix it)."""

from __future__ import annotations

import base64
import binascii
import quopri
import struct


def b64(data: bytes, width: int = 76) -> bytes:
    encoded = base64.b64encode(data)
    return b"\n".join(encoded[i : i + width] for i in range(0, len(encoded), width))


def qp(data: bytes) -> bytes:
    return quopri.encodestring(data)


def ew(text: str, charset: str = "utf-8", mode: str = "B") -> str:
    """One RFC 2047 encoded word."""
    data = text.encode(charset)
    if mode == "B":
        return f"=?{charset}?B?{base64.b64encode(data).decode()}?="
    body = "".join(chr(b) if 33 <= b < 127 and b not in b"=?_" else f"={b:02X}" for b in data).replace("=20", "_")
    return f"=?{charset}?Q?{body}?="


def headers(*lines: str | bytes) -> bytes:
    return b"\n".join(line if isinstance(line, bytes) else line.encode("utf-8") for line in lines)


def message(head: bytes, body: bytes, *, crlf: bool = False) -> bytes:
    raw = (head + b"\n\n" + body).replace(b"\r\n", b"\n")
    if not raw.endswith(b"\n"):
        raw += b"\n"
    return raw.replace(b"\n", b"\r\n") if crlf else raw


def multipart(
    boundary: str, parts: list[bytes], preamble: bytes = b"This is a multi-part message in MIME format."
) -> bytes:
    out = [preamble] if preamble else []
    for part in parts:
        out.append(b"--" + boundary.encode() + b"\n" + part)
    out.append(b"--" + boundary.encode() + b"--\n")
    return b"\n".join(out)


def part(head: str | bytes, body: bytes) -> bytes:
    head_bytes = head.encode("utf-8") if isinstance(head, str) else head
    return head_bytes + b"\n\n" + body


def uuencode(name: str, data: bytes) -> bytes:
    lines = [binascii.b2a_uu(data[i : i + 45]) for i in range(0, len(data), 45)]
    return b"begin 644 " + name.encode("cp1251") + b"\n" + b"".join(lines) + b"`\nend\n"


# --- TNEF (winmail.dat) writer: the inverse of mailconf.parsing.tnef, enough for fixtures ---


def _attr(level: int, tag: int, value: bytes) -> bytes:
    checksum = sum(value) & 0xFFFF
    return struct.pack("<BII", level, tag, len(value)) + value + struct.pack("<H", checksum)


def _pad(data: bytes) -> bytes:
    return data + b"\x00" * (-len(data) % 4)


def _mapi_props(props: list[tuple[int, int, bytes]]) -> bytes:
    out = struct.pack("<I", len(props) + 1)
    out += struct.pack("<HHI", 0x0003, 0x0E07, 1)  # a fixed-size PR_MESSAGE_FLAGS the reader must skip
    for prop_type, prop_id, value in props:
        out += struct.pack("<HHII", prop_type, prop_id, 1, len(value)) + _pad(value)
    return out


def tnef(body: str, files: list[tuple[str, bytes]], *, html: bytes = b"", rtf: bytes = b"") -> bytes:
    out = struct.pack("<IH", 0x223E9F78, 0x0001)
    out += _attr(1, 0x00089006, b"\x00\x00\x01\x00")  # attTnefVersion
    out += _attr(1, 0x00069007, struct.pack("<II", 1251, 0))  # attOemCodepage
    props = []
    if body:
        props.append((0x001F, 0x1000, body.encode("utf-16-le") + b"\x00\x00"))
    if html:
        props.append((0x0102, 0x1013, html))
    if rtf:
        props.append((0x0102, 0x1009, rtf))
    out += _attr(1, 0x00069003, _mapi_props(props))
    for name, data in files:
        out += _attr(2, 0x00069002, b"\x01\x00\xff\xff\xff\xff" + b"\x00" * 8)  # attAttachRendData
        out += _attr(2, 0x00018010, name.encode("cp1251", "replace")[:8] + b"\x00")  # short 8.3 title
        out += _attr(2, 0x0006800F, data)
        long_name = name.encode("utf-16-le") + b"\x00\x00"
        out += _attr(2, 0x00069005, _mapi_props([(0x001F, 0x3707, long_name)]))
    return out


def rtf_literal_lzfu(rtf: bytes) -> bytes:
    """Compressed-RTF container holding only literal runs, closed by the end reference."""
    body = bytearray()
    write = 207  # length of the dictionary prefill
    i = 0
    while True:
        chunk = rtf[i : i + 8]
        i += len(chunk)
        if len(chunk) < 8:
            control = 1 << len(chunk)
            body.append(control)
            body.extend(chunk)
            body.extend(struct.pack(">H", ((write + len(chunk)) & 0xFFF) << 4))
            break
        body.append(0)
        body.extend(chunk)
        write = (write + 8) & 0xFFF
    header = struct.pack("<IIII", len(body) + 12, len(rtf), 0x75465A4C, 0)
    return header + bytes(body)

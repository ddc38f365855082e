"""Attachment file names: decoded from whatever the sender wrote, then made safe to store."""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from email.message import Message
from functools import lru_cache

from .charset import decode_bytes
from .headers import decode_header_value

_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f<>:"/\\|?*]+')
_MAX_NAME = 180
_DEFAULT_EXT = {
    "message/rfc822": ".eml",
    "text/plain": ".txt",
    "text/html": ".html",
    "text/calendar": ".ics",
    "image/jpeg": ".jpg",
    "application/octet-stream": ".bin",
    "application/pkcs7-signature": ".p7s",
    "application/x-pkcs7-signature": ".p7s",
    "application/pgp-signature": ".asc",
    "application/ms-tnef": ".dat",
}
_DEFAULT_STEM = {
    "application/pkcs7-signature": "smime",
    "application/x-pkcs7-signature": "smime",
    "application/ms-tnef": "winmail",
    "text/calendar": "invite",
    "message/rfc822": "message",
    "application/pgp-signature": "signature",
}


def part_filename(part: Message) -> str:
    """The decoded file name from Content-Disposition filename= or Content-Type name=, or ""."""
    for param, header in (("filename", "content-disposition"), ("name", "content-type")):
        value = part.get_param(param, None, header)
        if value is None:
            continue
        if isinstance(value, tuple):  # RFC 2231: (charset, language, percent-decoded latin-1 text)
            charset, _lang, text = value
            name = decode_bytes(text.encode("latin-1", "surrogateescape"), charset or None)
        else:
            name = decode_header_value(str(value))
        name = name.strip()
        if name:
            return name
    return ""


def safe_filename(name: str, content_type: str, index: int) -> str:
    """A non-empty name without directories, control or reserved characters, of bounded length."""
    name = unicodedata.normalize("NFC", name or "")
    # Format characters: a right-to-left override shows "invoice<U+202E>fdp.exe" as
    # "invoiceexe.pdf", zero-width ones hide what the name really is.
    name = "".join(char for char in name if unicodedata.category(char) != "Cf")
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE.sub("_", name).strip(" ._")
    if name.upper().split(".")[0] in ("CON", "PRN", "AUX", "NUL", "COM1", "LPT1"):
        name = "_" + name
    if not name:
        name = _default_name(content_type, index)
    if len(name) > _MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: _MAX_NAME - len(ext) - 1].rstrip() + "." + ext
        else:
            name = name[:_MAX_NAME]
    return name


def _default_name(content_type: str, index: int) -> str:
    if content_type in _DEFAULT_STEM:
        return _DEFAULT_STEM[content_type] + _extension(content_type)
    stem = "image" if content_type.startswith("image/") else "attachment"
    return f"{stem}-{index + 1}{_extension(content_type)}"


@lru_cache(maxsize=128)
def _extension(content_type: str) -> str:
    return _DEFAULT_EXT.get(content_type) or mimetypes.guess_extension(content_type) or ".bin"

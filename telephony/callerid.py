"""Caller ids as PBXs send them, split into a name and a number.

Asterisk's CALLERID(all) is `"Name" <number>`; other PBXs and scripts send `Name <number>`, a bare
number, `"" <number>`, `<number>` or only a name. Quotes inside a quoted name come escaped with a
backslash. Nothing here fails: what cannot be split is kept as the name or the number it looks like.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_ANGLE = re.compile(r"^(?P<before>.*?)\s*<(?P<number>[^<>]*)>\s*$", re.DOTALL)
_QUOTED = re.compile(r'^"(?P<name>(?:[^"\\]|\\.)*)"$', re.DOTALL)
# What a dialable number may contain: digits, a leading +, * and # of feature codes, and the
# separators people type. A name never consists of these alone.
_NUMBER = re.compile(r"^\+?[0-9*#][0-9*#\s().\-]*$")
_UNKNOWN = {"unknown", "anonymous", "unavailable", "restricted", "private"}


class CallerId(NamedTuple):
    name: str
    number: str


def _unquote(text: str) -> str:
    match = _QUOTED.match(text)
    if match is None:
        return text.strip().strip('"').strip()
    return re.sub(r"\\(.)", r"\1", match.group("name")).strip()


def parse_caller_id(raw: str) -> CallerId:
    """(name, number) of a caller id in any of the forms above; empty strings where absent."""
    text = " ".join((raw or "").split())
    if not text:
        return CallerId("", "")
    match = _ANGLE.match(text)
    if match is not None:
        return CallerId(_unquote(match.group("before")), match.group("number").strip())
    if _NUMBER.match(text):
        return CallerId("", text)
    name = _unquote(text)
    return CallerId("" if name.lower() in _UNKNOWN else name, "")

"""The one renderer for every user-editable template in the product (notifications, telephony).

Placeholders are bare UPPER_SNAKE names (`TICKET_NUMBER`, `NOTIFICATION_CALLERID`, `VM_DUR`)
matched as whole words and replaced in a single pass from a whitelist of values, so a value that
itself contains a placeholder name (a comment quoting `TICKET_URL`) stays literal. Template text is
never compiled by any template engine. Values are escaped for HTML bodies and flattened to one line
in headers, where a line break would let a value inject a header.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Literal

from django.utils.html import escape

Mode = Literal["text", "html", "header"]

# A run of capitals, digits and underscores that starts with a capital, not glued to other word
# characters: "TICKET_NUMBER" in "№TICKET_NUMBER," matches; "TICKET_NUMBERS" does not match the
# name TICKET_NUMBER.
_WORD = re.compile(r"(?<![\w])[A-Z][A-Z0-9_]*(?![\w])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")


def render(template: str, values: Mapping[str, str], mode: Mode = "text") -> str:
    """Substitute the names in `values`; other words are left as written."""

    def substitute(match: re.Match[str]) -> str:
        name = match.group(0)
        if name not in values:
            return name
        return _prepare(str(values[name]), mode)

    result = _WORD.sub(substitute, template)
    return header_safe(result) if mode == "header" else result


def _prepare(value: str, mode: Mode) -> str:
    if mode == "html":
        return escape(value).replace("\r\n", "\n").replace("\n", "<br>")
    if mode == "header":
        return header_safe(value)
    return value


def header_safe(value: str) -> str:
    """One line: line breaks of any kind become spaces, runs of spaces collapse."""
    return " ".join(_LINE_BREAKS.sub(" ", value).split())


def placeholders_in(template: str, known: Collection[str] = ()) -> list[str]:
    """Placeholder-like words in `template`, in order of first use, without repeats.

    A word counts when it is UPPER_SNAKE with at least one underscore, or is one of `known`
    (names without an underscore, such as DEADLINE); plain capitals like "SLA" or "URGENT" are text.
    """
    seen: dict[str, None] = {}
    for match in _WORD.finditer(template):
        word = match.group(0)
        if ("_" in word.strip("_") and not word.startswith("_")) or word in known:
            seen.setdefault(word, None)
    return list(seen)


def unknown_placeholders(template: str, allowed: Collection[str], known: Collection[str] = ()) -> list[str]:
    """Placeholder-like words of `template` that are not in `allowed`."""
    return [word for word in placeholders_in(template, known) if word not in allowed]

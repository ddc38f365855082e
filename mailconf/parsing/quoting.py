"""Cutting a reply down to its new part: quoted history and a trailing signature go.

Only ``reply_text`` is trimmed; ``text`` keeps everything, so a wrong cut loses nothing for
good. Cuts are conservative: quote markers must look like the attribution or header block
clients really write, and signatures are removed only as a short *trailing* block.
"""

from __future__ import annotations

import re

REPLY_MARKER = "##- Please type your reply above this line -##"

_MAX_SIGNATURE_LINES = 8

_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(original message|исходное сообщение|оригинальное сообщение|ursprüngliche nachricht)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
_WROTE = re.compile(
    r"^.{0,300}\b(wrote|writes|пишет|написал|написала|написал\(а\)|schrieb|a écrit)\s*:\s*$", re.IGNORECASE
)
# Yandex: "22.11.2026, 10:15, "Иван" <ivan@yandex.ru>:"; Gmail (ru): "пн, 22 нояб. 2026 г. в 10:15,
# Иван <ivan@gmail.com>:"; Mail.ru: "Среда, 22 ноября 2026, 10:15 +03:00 от Иван <ivan@mail.ru>:".
_ADDRESS_COLON = re.compile(r"^.{0,300}\d.{0,300}[\w.+-]+@[\w.-]+\w>?\]?\)?\s*:\s*$")
_HEADER_FROM = re.compile(r"^\s*\*?(from|от|von|de|отправитель)\s*:\*?\s*\S", re.IGNORECASE)
_HEADER_NEXT = re.compile(
    r"^\s*\*?(sent|date|to|subject|cc|отправлено|дата|кому|тема|копия|gesendet|an|betreff)\s*:", re.IGNORECASE
)
_SIG_DASHES = re.compile(r"^--\s?$")
_MOBILE = re.compile(
    r"^\s*(sent from my \w+|sent from (mail|outlook|yahoo mail) for \w+|get outlook for \w+|"
    r"отправлено (с|со|из) .{1,60}|sent from (yandex|mail\.ru|my mobile).{0,40}|"
    r"отправлено из мобильной .{1,40}|создано в .{1,40}|from my iphone)\s*$",
    re.IGNORECASE,
)
_SIGN_OFF = re.compile(
    r"^\s*(с уважением|с наилучшими пожеланиями|всего доброго|best regards|kind regards|warm regards|"
    r"regards|best wishes|with best regards|mit freundlichen grüßen)\s*[,.!]?\s*[\w .\-]{0,60}$",
    re.IGNORECASE,
)


def trim_reply(text: str) -> str:
    """The new part of a reply: above our marker, above the first quote marker, with quoted
    ``>`` lines and a short trailing signature removed. May be empty (quote-only message)."""
    lines = text.split("\n")
    cut = _first_quote_line(lines)
    lines = [line for line in lines[:cut] if not line.lstrip().startswith(">")]
    lines = _strip_signature(_strip_blank_tail(lines))
    return "\n".join(_strip_blank_tail(lines)).strip("\n")


def _first_quote_line(lines: list[str]) -> int:
    for i, line in enumerate(lines):
        if REPLY_MARKER in line:
            return i
        stripped = line.strip()
        # Every marker holds "--" or ":"; checking that first keeps the regexes off ordinary lines.
        if not stripped or len(stripped) > 600 or (":" not in stripped and "--" not in stripped):
            if _wrapped_attribution(lines, i):
                return i
            continue
        if _is_quote_start(lines, i, stripped):
            return _include_separator(lines, i)
    return len(lines)


def _is_quote_start(lines: list[str], i: int, stripped: str) -> bool:
    if stripped.endswith(":"):
        if _WROTE.match(stripped) or (_ADDRESS_COLON.match(stripped) and _quote_follows(lines, i)):
            return True
    elif "--" in stripped and _SEPARATOR.match(stripped):
        return True
    if _wrapped_attribution(lines, i):
        return True
    return bool(_HEADER_FROM.match(stripped) and _header_block_follows(lines, i))


def _wrapped_attribution(lines: list[str], i: int) -> bool:
    """Gmail wraps long attributions: "On Mon, 2 Nov 2026 at 10:00, Ivan <\\nivan@x.ru> wrote:"."""
    if i + 1 >= len(lines) or not lines[i + 1].rstrip().endswith(":"):
        return False
    if not lines[i].lstrip().lower().startswith(("on ", "в ")):
        return False
    joined = lines[i].strip() + " " + lines[i + 1].strip()
    return bool(_WROTE.match(joined) or (_ADDRESS_COLON.match(joined) and _quote_follows(lines, i + 1)))


def _quote_follows(lines: list[str], i: int) -> bool:
    for line in lines[i + 1 : i + 4]:
        if line.strip():
            return line.lstrip().startswith(">")
    return True


def _header_block_follows(lines: list[str], i: int) -> bool:
    following = [line for line in lines[i + 1 : i + 12] if line.strip()][:5]
    return sum(1 for line in following if _HEADER_NEXT.match(line)) >= 2


def _include_separator(lines: list[str], i: int) -> int:
    """Outlook draws a line of underscores above the header block; cut there instead."""
    j = i - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    return j if j >= 0 and _UNDERSCORES.match(lines[j]) else i


def _strip_blank_tail(lines: list[str]) -> list[str]:
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return lines[:end]


def _strip_signature(lines: list[str]) -> list[str]:
    """Remove a trailing signature block, but only when what follows its marker is short."""
    start = max(0, len(lines) - _MAX_SIGNATURE_LINES - 1)
    for i in range(start, len(lines)):
        stripped = lines[i].strip()
        tail = [t for t in lines[i + 1 :] if t.strip()]
        if _SIG_DASHES.match(lines[i]) and len(tail) <= _MAX_SIGNATURE_LINES:
            return lines[:i]
        if _MOBILE.match(stripped) and len(tail) <= 2:
            return lines[:i]
        if _SIGN_OFF.match(stripped) and len(tail) <= 6 and all(len(t) <= 100 for t in tail) and i > 0:
            return lines[:i]
    return lines

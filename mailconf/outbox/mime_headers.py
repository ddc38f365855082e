"""Header and parameter encoding for outgoing mail: RFC 2047 encoded words and RFC 2231 parameters.

Written here rather than left to the email package for two reasons. CPython's modern folder
(policy.default/SMTP) drops the space between two encoded words when it folds a long non-ASCII
header, so a Cyrillic subject "заявке №1" arrived as "заявке№1"; and it costs milliseconds per
message. The rule that keeps every value exact: a value that is not plain printable ASCII is encoded
whole, as a run of "B" encoded words split on character boundaries. Spaces then live inside the
encoded words, where every decoder keeps them, and the folding whitespace between two encoded words
is the one kind of whitespace every decoder drops.

Input must already be free of control characters (see `mime.clean_header_text`); nothing here can
produce a line break that is not followed by a space, so no value can start a header line.
"""

from __future__ import annotations

import re
from base64 import b64encode
from urllib.parse import quote

__all__ = ["address_field", "encode_words", "filename_param", "unstructured_field"]

# RFC 5322 recommends lines of at most 78 characters (CRLF excluded); 998 is the hard limit.
LINE = 78
HARD_LINE = 998
_WORD_PREFIX = "=?utf-8?b?"
# An encoded word is at most 75 characters (RFC 2047 section 2): 12 of framing and 60 of base64.
_WORD_BYTES = 45
_FOLD = "\r\n "
# A display name longer than this as one encoded word (about 330 Cyrillic letters) is split.
_MAX_NAME_LINE = 900
# Plain printable ASCII, no "=?" (a decoder would try to read it as an encoded word) and no runs of
# spaces (a fold inside a run could leave a line of nothing but whitespace).
_PLAIN = re.compile(r"^(?!.*=\?)(?!.*  )[ -~]*$")
_QUOTED_UNSAFE = re.compile(r'["\\]')


def encode_words(text: str, used: int) -> str:
    """`text` as folded RFC 2047 "B" encoded words; the first line already holds `used` characters.

    Each word carries whole UTF-8 characters (RFC 2047 section 5 requires it: some decoders decode
    word by word), so a split never falls inside a character.
    """
    data = text.encode("utf-8")
    size = len(data)
    # Base64 turns 3 bytes into 4 characters; a four-byte character must fit even on a crowded line.
    budget = max(min((LINE - used - 12) // 4 * 3, _WORD_BYTES), 6)
    words = []
    start = 0
    while start < size:
        end = start + budget
        if end < size:
            while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: back up to the character start
                end -= 1
        words.append(f"{_WORD_PREFIX}{b64encode(data[start:end]).decode('ascii')}?=")
        start = end
        budget = _WORD_BYTES
    return _FOLD.join(words)


def unstructured_field(name: str, value: str) -> str:
    """A whole "Name: value" header line (CRLF-terminated) for free text such as the subject."""
    prefix = f"{name}: "
    if not value:
        return f"{name}:\r\n"
    if _PLAIN.match(value):
        folded = _fold_plain(value, len(prefix))
        if folded is not None:
            return f"{prefix}{folded}\r\n"
    return f"{prefix}{encode_words(value, len(prefix))}\r\n"


def _fold_plain(value: str, used: int) -> str | None:
    """ASCII `value` folded before spaces into lines of at most 78 characters where words allow;
    None when a word is too long for even the 998-character limit."""
    if used + len(value) <= LINE:
        return value
    lines: list[str] = []
    current = ""
    for index, word in enumerate(value.split(" ")):
        piece = word if index == 0 else f" {word}"
        if current and used + len(current) + len(piece) > LINE:
            lines.append(current)
            current, used = piece, 0
        else:
            current += piece
        if used + len(current) > HARD_LINE:
            return None
    lines.append(current)
    # Each continuation line starts with the space it was folded before, so unfolding (removing
    # CRLF) restores the value exactly.
    return "\r\n".join(lines)


def mailbox(addr: str, name: str, used: int) -> str:
    """`"Name" <addr>` (or just `addr`), folded to start on a line already holding `used` characters.

    A non-ASCII name is one encoded word, even past RFC 2047's 75 characters: decoders disagree
    about the whitespace between encoded words inside a name (RFC 2047 and most mail programs drop
    it, CPython's modern parser keeps it as a space), and a single word is read the same way by
    all of them. Only a name too long for one line is split into several words.
    """
    if not name:
        return addr
    if _PLAIN.match(name):
        quoted = '"' + _QUOTED_UNSAFE.sub(r"\\\g<0>", name) + '"'
        if used + len(quoted) + len(addr) + 3 <= LINE:
            return f"{quoted} <{addr}>"
    data = name.encode("utf-8")
    if used + 16 + len(data) * 4 // 3 <= _MAX_NAME_LINE:
        phrase = f"{_WORD_PREFIX}{b64encode(data).decode('ascii')}?="
    else:
        phrase = encode_words(name, used)
    last_line = phrase.rsplit("\r\n", 1)[-1] if "\r\n" in phrase else " " * used + phrase
    # The angle address goes on a line of its own when it would push the last one past 78.
    separator = " " if len(last_line) + len(addr) + 3 <= LINE else _FOLD
    return f"{phrase}{separator}<{addr}>"


def address_field(name: str, mailboxes: list[tuple[str, str]]) -> str:
    """A whole address header line (CRLF-terminated): one mailbox per line after the first."""
    prefix = f"{name}: "
    parts = [mailbox(addr, display, len(prefix) if i == 0 else 1) for i, (addr, display) in enumerate(mailboxes)]
    return prefix + ",\r\n ".join(parts) + "\r\n"


def filename_param(filename: str) -> str:
    """The `filename` parameter of Content-Disposition, preceded by its folding `;`.

    Plain short ASCII names travel as a quoted string; anything else as RFC 2231 `filename*=utf-8''…`
    percent-encoding, split into numbered continuations when it would pass 78 characters.
    """
    if _PLAIN.match(filename) and not _QUOTED_UNSAFE.search(filename) and len(filename) <= LINE - 12:
        return f';\r\n filename="{filename}"'
    encoded = quote(filename, safe="")
    if len(encoded) <= LINE - 19:
        return f";\r\n filename*=utf-8''{encoded}"
    chunks: list[str] = []
    start = 0
    while start < len(encoded):
        end = min(start + 56, len(encoded))
        # Never split a %XX escape between two continuations.
        percent = encoded.rfind("%", max(end - 2, start), end)
        if percent != -1 and end < len(encoded):
            end = percent
        chunks.append(encoded[start:end])
        start = end
    first = f";\r\n filename*0*=utf-8''{chunks[0]}"
    return first + "".join(f";\r\n filename*{i}*={chunk}" for i, chunk in enumerate(chunks[1:], start=1))

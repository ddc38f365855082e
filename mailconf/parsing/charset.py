"""Turning bytes of unknown or lying encodings into text.

ISO-2022-JP is recognised by its escape sequences whatever the label says (see japanese.py).
Order for 8-bit data: the declared charset strictly, then UTF-8 strictly, then recognisers for
Japanese (Shift_JIS, EUC-JP) and for accented Western text, then a small scorer choosing
between the four Cyrillic single-byte code pages (mail in this product is mostly Russian, and
those four decode *any* byte string without error, so a generic detector guesses between them
poorly on short texts), then charset-normalizer for anything else, and finally the declared
charset (or cp1252) with replacement characters.
"""

from __future__ import annotations

import codecs
import contextlib
import re
from collections import Counter
from functools import lru_cache

from .japanese import decode_iso2022jp, guess_japanese, has_jis_escapes

# Names seen in real mail that Python does not know, or knows as a narrower charset than the
# sender meant (a mailer declaring gb2312 or ks_c_5601-1987 really writes gbk/cp949).
_ALIASES = {
    "unknown-8bit": None,
    "x-unknown": None,
    "unknown": None,
    "x-user-defined": None,
    "default": None,
    "8bit": None,
    "ansi": "cp1252",
    # As browsers and mail clients do (WHATWG Encoding): mail labelled Latin-1 is written by
    # Windows, whose 0x80-0x9F are quotes and dashes; read as Latin-1 they become invisible
    # C1 control characters that the header and file name cleaners then drop.
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "euc-kr": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cn-gb": "gb18030",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "x-sjis": "cp932",
    "sjis": "cp932",
    "iso-2022-jp": "iso2022_jp_ext",
    "big5": "big5hkscs",
    "iso-8859-8-i": "iso-8859-8",
    "tis-620": "cp874",
    "windows-874": "cp874",
    "x-mac-cyrillic": "mac_cyrillic",
    "mac-cyrillic": "mac_cyrillic",
    "maccyrillic": "mac_cyrillic",
    "x-cp866": "cp866",
    "ibm866": "cp866",
    "cp-866": "cp866",
    "dos-866": "cp866",
    "koi8r": "koi8_r",
    "koi8u": "koi8_u",
    "koi8-ru": "koi8_u",
    "utf-7": None,  # Python's codec accepts nonsense silently; better detect
    "unicode-1-1-utf-7": None,
}

_CYRILLIC_CANDIDATES = ("cp1251", "koi8_r", "cp866", "iso-8859-5")

# Relative frequencies (per mille, rounded) of Russian lowercase letters; the scorer rewards
# common letters and punishes upper case and non-letters that a wrong code page produces.
_RU_FREQ = dict(
    zip(
        "оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё",
        (
            110,
            85,
            80,
            67,
            63,
            63,
            55,
            47,
            45,
            44,
            35,
            32,
            30,
            28,
            26,
            20,
            19,
            17,
            17,
            16,
            16,
            15,
            12,
            10,
            9,
            7,
            6,
            5,
            4,
            3,
            3,
            1,
            1,
        ),
        strict=True,
    )
)
_HIGH_BYTES = re.compile(rb"[\x80-\xff]")
_HIGH_RUN = re.compile(rb"[\x80-\xff]+")


@lru_cache(maxsize=256)
def normalize_charset(name: str | None) -> str | None:
    """Map a declared charset name to a Python codec name, or None when it tells nothing."""
    if not name:
        return None
    key = name.strip().strip("\"'").lower()
    if not key.isascii() or len(key) > 40:
        return None
    if "*" in key:  # RFC 2231 language suffix: utf-8*ru
        key = key.split("*", 1)[0]
    if key in _ALIASES:
        return _ALIASES[key]
    for candidate in _spellings(key):
        try:
            info = codecs.lookup(candidate)
        except (LookupError, ValueError):
            continue
        return info.name if _is_charset(info) else None
    return None


# Text codecs Python has that no mail charset means: they raise UnicodeError (not
# UnicodeDecodeError) even with errors="replace", or read backslash escapes as characters.
_NOT_CHARSETS = frozenset({"idna", "punycode", "undefined", "unicode-escape", "raw-unicode-escape"})


def _is_charset(info: codecs.CodecInfo) -> bool:
    """False for bytes-to-bytes codecs ("charset=rot13", base64, zlib: str.decode refuses them
    with LookupError) and for the text codecs above."""
    return bool(getattr(info, "_is_text_encoding", True)) and info.name not in _NOT_CHARSETS


def _spellings(key: str) -> list[str]:
    """Plausible corrections of a misspelt charset name, most literal first."""
    bare = key[2:] if key.startswith("x-") else key
    out = [key, bare]
    for prefix in ("windows-", "windows", "win-", "win", "cp-", "ms-", "ibm-"):
        if bare.startswith(prefix) and bare[len(prefix) :].isdigit():
            out.append("cp" + bare[len(prefix) :])
    out.append(bare.replace("_", "-"))
    out.append(bare.replace("-", ""))
    return out


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode ``data`` following the module's fallback order; never raises."""
    if not data:
        return ""
    codec = normalize_charset(declared)
    if has_jis_escapes(data) and codec != "iso2022_kr":
        # Before any strict attempt: UTF-8 and ASCII accept the 7-bit escapes and show them raw,
        # and no label but ISO-2022-* explains JIS escape sequences in the text.
        return decode_iso2022jp(data)
    if codec is not None:
        with contextlib.suppress(UnicodeDecodeError, LookupError):  # wrong label: detect below
            return data.decode(codec)
    if not _HIGH_BYTES.search(data) and codec not in ("utf-16", "utf-32", "utf_16", "utf_32"):
        if b"\x1b" not in data:  # escape sequences mean iso-2022-*, handled by detection below
            return data.decode("ascii")
    with contextlib.suppress(UnicodeDecodeError):
        return data.decode("utf-8")
    return _detect(data, codec)


def _detect(data: bytes, codec: str | None) -> str:
    japanese = guess_japanese(data)
    if japanese is not None:
        return japanese
    if looks_western(data):
        return data.decode("cp1252", errors="replace")
    cyrillic = guess_cyrillic(data)
    if cyrillic is not None:
        return data.decode(cyrillic, errors="replace")
    guessed = _normalizer_guess(data)
    if guessed is not None:
        return guessed
    return data.decode(codec or "cp1252", errors="replace")


def looks_western(data: bytes) -> bool:
    """Accented letters inside Latin words ("Grüße", "café"): each run of 8-bit bytes is one or
    two bytes long and touches an ASCII letter. Russian words in any code page are whole runs
    of 8-bit bytes between spaces, so this never fires on them."""
    runs = 0
    for match in _HIGH_RUN.finditer(data[:32768]):
        start, end = match.span()
        if end - start > 2:
            return False
        before = data[start - 1 : start] if start else b""
        if not (before.isalpha() or data[end : end + 1].isalpha()):
            return False
        runs += 1
    return runs > 0


def _normalizer_guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    # Cap the sample: detection cost grows with size and the head is representative enough.
    best = from_bytes(data[:65536], steps=4, chunk_size=256).best()
    if best is None or best.encoding is None:
        return None
    try:
        return data.decode(best.encoding, errors="replace")
    except LookupError:
        return None


def guess_cyrillic(data: bytes) -> str | None:
    """The Cyrillic code page that makes ``data`` look most like Russian text, or None."""
    counts = Counter(data[:32768])
    high = sum(n for byte, n in counts.items() if byte >= 0x80)
    if not high:
        return None
    best, best_score = None, 0.0
    for codec in _CYRILLIC_CANDIDATES:
        weights = _byte_weights(codec)
        score = sum(n * weights[byte] for byte, n in counts.items() if byte >= 0x80) / high
        if score > best_score:
            best, best_score = codec, score
    # Below this the high bytes are mostly not Russian letters in any candidate.
    return best if best_score >= 12 else None


@lru_cache(maxsize=8)
def _byte_weights(codec: str) -> tuple[int, ...]:
    """Score of each byte value when read in ``codec``: frequent lowercase Russian letters score
    high, capitals low (mis-decoded text is mostly capitals), anything else is penalised."""
    weights = []
    for byte in range(256):
        ch = bytes([byte]).decode(codec, errors="replace")
        if byte < 0x80:
            weights.append(0)
        elif ch in _RU_FREQ:
            weights.append(_RU_FREQ[ch])
        elif ch.lower() in _RU_FREQ:
            weights.append(3)
        elif ch in "«»—–№…“”„’":
            weights.append(5)
        else:
            weights.append(-20)
    return tuple(weights)

"""Japanese mail encodings as real mailers write them.

ISO-2022-JP mail from Japanese carriers and Windows clients is really "CP50220": JIS X 0208
plus the NEC special characters (circled digits, ㈱, Roman numerals) and IBM extensions of
code page 932, and half-width katakana after ``ESC ( I``. Python's ``iso2022_jp*`` codecs
reject those, and a rejected decode used to fall through to UTF-8, which accepts the 7-bit
escape sequences and shows them raw. :func:`decode_iso2022jp` maps each JIS segment to its
Shift_JIS bytes and decodes them as cp932 (JIS X 0212 and 0213 segments go to the codecs that
know them), the way Windows and the big webmail providers read these messages.

:func:`guess_japanese` recognises Shift_JIS and EUC-JP text under a missing or meaningless
charset label: strictly decodable, and with the share of kana that Japanese prose always has
and Cyrillic or Western text read in those code pages never has.
"""

from __future__ import annotations

import re

_ESCAPE = re.compile(rb"\x1b(\(B|\(J|\(H|\(I|\$@|\$B|\$\(B|\$\(D|\$\(O|\$\(Q|\$\(P|&@)")
_SO, _SI = 0x0E, 0x0F
# Hiragana and full-width katakana. Half-width katakana are left out on purpose: they are the
# single bytes 0xA1-0xDF of Shift_JIS, exactly where KOI8-R and cp1251 keep Russian letters.
_KANA = re.compile(r"[\u3041-\u309f\u30a0-\u30ff]")
_BAD = re.compile(r"[\ue000-\uf8ff\ufffd\x80-\x9f]")
# Segments Python's codecs read better than cp932 can: JIS X 0212 (supplementary kanji) and
# JIS X 0213 planes; each is decoded on its own between an escape and a return to ASCII.
_CODEC_SEGMENTS = {
    b"$(D": ("iso2022_jp_2", b"\x1b$(D"),
    b"$(O": ("iso2022_jp_2004", b"\x1b$(Q"),
    b"$(Q": ("iso2022_jp_2004", b"\x1b$(Q"),
    b"$(P": ("iso2022_jp_2004", b"\x1b$(P"),
}


def has_jis_escapes(data: bytes) -> bool:
    return b"\x1b" in data and _ESCAPE.search(data) is not None


def decode_iso2022jp(data: bytes) -> str:
    """Decode ISO-2022-JP (CP50220 flavour, see the module docstring); never raises."""
    out: list[str] = []
    sjis = bytearray()
    mode = b"(B"
    pos = 0
    for match in _ESCAPE.finditer(data):
        _segment(data[pos : match.start()], mode, sjis, out)
        mode = match.group(1)
        pos = match.end()
    _segment(data[pos:], mode, sjis, out)
    _flush(sjis, out)
    return "".join(out)


def _segment(chunk: bytes, mode: bytes, sjis: bytearray, out: list[str]) -> None:
    if not chunk:
        return
    if mode in _CODEC_SEGMENTS:
        codec, escape = _CODEC_SEGMENTS[mode]
        _flush(sjis, out)
        out.append((escape + chunk + b"\x1b(B").decode(codec, errors="replace"))
        return
    lines = chunk.split(b"\n")
    for index, line in enumerate(lines):
        if index:
            sjis.append(0x0A)  # a line break returns to ASCII, whatever the encoder forgot
            mode = b"(B"
        _line(line, mode, sjis)


def _line(line: bytes, mode: bytes, sjis: bytearray) -> None:
    kana = mode == b"(I"
    double = mode in (b"$@", b"$B", b"$(B", b"&@")
    i = 0
    while i < len(line):
        byte = line[i]
        if byte in (_SO, _SI):
            kana = byte == _SO
            i += 1
        elif kana and 0x21 <= byte <= 0x5F:
            sjis.append(byte + 0x80)
            i += 1
        elif double and 0x21 <= byte <= 0x7E and i + 1 < len(line) and 0x21 <= line[i + 1] <= 0x7E:
            sjis.extend(_jis_pair_to_sjis(byte, line[i + 1]))
            i += 2
        else:
            sjis.append(byte)
            i += 1


def _jis_pair_to_sjis(first: int, second: int) -> bytes:
    lead = (first + 1) // 2 + (0x70 if first <= 0x5E else 0xB0)
    if first % 2:
        trail = second + (0x20 if second >= 0x60 else 0x1F)
    else:
        trail = second + 0x7E
    return bytes((lead, trail))


def _flush(sjis: bytearray, out: list[str]) -> None:
    if sjis:
        out.append(bytes(sjis).decode("cp932", errors="replace"))
        sjis.clear()


def guess_japanese(data: bytes) -> str | None:
    """``data`` decoded as Shift_JIS (cp932) or EUC-JP when it reads as Japanese, else None."""
    best: tuple[int, str] | None = None
    for codec in ("cp932", "euc_jp"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        wide = sum(1 for ch in text if ord(ch) > 0x7F)
        if not wide or _BAD.search(text):
            continue
        kana = len(_KANA.findall(text))
        if kana * 4 >= wide and (best is None or kana > best[0]):
            best = (kana, text)
    return best[1] if best else None

"""Cutting a reply down to its new part: quoted history and a trailing signature go.

Only ``reply_text`` is trimmed; ``text`` keeps everything, so a wrong cut loses nothing for
good. Cuts are conservative: quote markers must look like the attribution or header block
clients really write, and signatures are removed only as a short *trailing* block.

The markers were checked against the reply layouts of Outlook, Gmail, Apple Mail, Thunderbird,
Yandex, Mail.ru, Android and iOS clients in several languages (the public reply fixtures of
Mailgun's talon among them): attributions may wrap over up to five lines, header blocks may
start with Date instead of From, and text written *below* a ``>`` quote (bottom-posting,
answers after a quoted block) is new text too. A forwarded message is content, not history,
so a forward marker above the first quote stops all trimming.
"""

from __future__ import annotations

import re

REPLY_MARKER = "##- Please type your reply above this line -##"
# The marker in each language a recipient may read (notifications write the recipient's); any of
# them ends the new text of a reply, whatever language the reply is in.
REPLY_MARKERS = {"en": REPLY_MARKER, "ru": "##- Введите ответ выше этой строки -##"}

_MAX_SIGNATURE_LINES = 8
_MAX_FOLLOW_UPS = 200  # answers interleaved below quoted blocks; bounds the work on hostile input

_WROTE_LATIN = (
    r"wrote|writes|schrieb|a écrit|schreef|geschreven|skrev|napisał|napisała|napsal|napísal|escribió|"
    r"escreveu|scrisse|ha scritto|kirjoitti|írta|yazdı|đã viết"
)
_WROTE_CYRILLIC = r"пишет|написал|написала|написал\(а\)|написали"
_WROTE_WORD = rf"(?:(?<!\w)(?:{_WROTE_LATIN}|{_WROTE_CYRILLIC})|写道|寫道)"
_WROTE = re.compile(rf"^.{{0,300}}{_WROTE_WORD}\s*[:：]\s*$", re.IGNORECASE)
# "sent:" is too common a word on its own; with a date and an address it is an attribution.
_SENT = re.compile(r"^.{0,300}\d.{0,300}@.{0,300}\bsent\s*:\s*$", re.IGNORECASE)
# Yandex: "22.11.2026, 10:15, "Иван" <ivan@yandex.ru>:"; Gmail (ru): "пн, 22 нояб. 2026 г. в 10:15,
# Иван <ivan@gmail.com>:"; Mail.ru: "Среда, 22 ноября 2026, 10:15 +03:00 от Иван <ivan@mail.ru>:".
_ADDRESS_COLON = re.compile(r"^.{0,300}\d.{0,300}[\w.+-]+@[\w.-]+\w>?\]?\)?\s*[:：]\s*$")
_WROTE_ANYWHERE = re.compile(_WROTE_WORD, re.IGNORECASE)
# Old Gmail: "2011/4/7 Ivan Petrov <ivan@example.com>" with no colon, followed by the quote.
_DATE_ADDRESS = re.compile(r"^\s*\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b.{0,200}<[^<>\s]+@[^<>\s]+>\s*$")
# "reply text On Wed, Apr 4, 2012 at 3:59 PM, bob@example.com wrote:" (a client that lost a line break).
_INLINE_ON = re.compile(r"^(.*?\S)\s*-*\s*\bOn\s+\S.{0,300}\d.{0,300}\bwrote\s*:\s*$", re.IGNORECASE)
# First line of an attribution that a client wrapped: "On ...", "В ...", "W dniu ...", a date or weekday.
_OPENER = re.compile(
    r"^\s*(?:(?:on|в|le|am|el|op|il|em|den|på|w dniu|vào|dne|the)\s|\d|\w{2,12}\.?,\s+\S*\d)", re.IGNORECASE
)

_SEPARATOR = re.compile(
    r"^\s*[-_=]{2,}\s*(original message|reply message|исходное сообщение|оригинальное сообщение|"
    r"ursprüngliche nachricht|antwort nachricht|oprindelig meddelelse|opprinnelig melding|ursprungligt meddelande|"
    r"oorspronkelijk bericht|message d'origine|mensaje original|messaggio originale|mensagem original|"
    r"wiadomość oryginalna|původní zpráva|alkuperäinen viesti|eredeti üzenet|orijinal mesaj)\s*[-_=]{2,}\s*$",
    re.IGNORECASE,
)
# Android and Yahoo: "---- John Smith wrote ----", "------On 12/29/1987 17:32 PM, Julius wrote-----".
_WROTE_SEPARATOR = re.compile(rf"^\s*-{{2,}}.{{0,300}}{_WROTE_WORD}.{{0,5}}-{{2,}}\s*$", re.IGNORECASE)
_FORWARD = re.compile(
    r"^\s*(?:[-_=>]{2,}\s*)?(forwarded message|begin forwarded message|пересылаемое сообщение|"
    r"перенаправленное сообщение|пересланное сообщение|начало переадресованного сообщения|"
    r"weitergeleitete nachricht|message transféré|mensaje reenviado|messaggio inoltrato|doorgestuurd bericht|"
    r"videresendt meddelelse|vidarebefordrat meddelande|wiadomość przekazana)\s*:?\s*(?:[-_=]{2,})?\s*$",
    re.IGNORECASE,
)
# A long link wrapped inside a quote leaves an unquoted " (http://...) >" line: not an answer.
_LINK_DEBRIS = re.compile(
    r"^\s*[(<]?(?:https?|mailto):\S*[)>]?\s*>?\s*$|^\s*>\s*$|^\s*\S*[=/]\S*[)>]\s*$", re.IGNORECASE
)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
_FROM_NAMES = r"from|от|отправитель|von|de|fra|från|van|od|da|mittente|lähettäjä|feladó|kimden"
_OTHER_NAMES = (
    r"sent|date|to|subject|cc|отправлено|дата|кому|тема|копия|gesendet|datum|an|betreff|envoyé|à|objet|sendt|til|"
    r"emne|skickat|till|ämne|verzonden|aan|onderwerp|wysłano|do|temat|inviato|a|oggetto|enviado|enviada|para|"
    r"asunto|assunto"
)
_HEADER_FROM = re.compile(rf"^\s*\*?(?:{_FROM_NAMES})\s?:\*?\s*\S", re.IGNORECASE)
_HEADER_NEXT = re.compile(rf"^\s*\*?(?:{_FROM_NAMES}|{_OTHER_NAMES})\s?:", re.IGNORECASE)
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

# What a quote start is: our marker, an attribution ("... wrote:"), a separator line, a header
# block, or a forward marker (which ends trimming altogether).
_MARKER, _ATTRIBUTION, _CUT, _FORWARDED, _NONE = "marker", "attribution", "cut", "forwarded", "none"


def trim_reply(text: str) -> str:
    """The new part of a reply: above our marker, above the first quote marker, with quoted
    ``>`` lines and a short trailing signature removed; text written below a quoted block that
    follows an attribution is kept too. May be empty (quote-only message)."""
    lines = text.split("\n")
    cut, end, kind = _first_quote(lines)
    if kind == _FORWARDED:
        return _without_blank_head(_strip_blank_tail(lines))
    kept = _unquoted(lines[:cut])
    pieces = [kept] if kept else []
    for _ in range(_MAX_FOLLOW_UPS):
        if kind != _ATTRIBUTION or not _starts_with_quote(lines, end + 1):
            break
        lines = lines[end + 1 :]
        cut, end, kind = _first_quote(lines)
        if kind == _FORWARDED:
            cut = len(lines)
        follow_up = _unquoted(lines[:cut])
        if follow_up and not all(_LINK_DEBRIS.search(line) for line in follow_up if line.strip()):
            pieces.append(follow_up)
    joined = "\n\n".join("\n".join(piece).strip("\n") for piece in pieces).split("\n")
    return _without_blank_head(_strip_blank_tail(_strip_signature(joined)))


def _without_blank_head(lines: list[str]) -> str:
    """Join, dropping leading lines of only whitespace (HTML layouts leave tabs there)."""
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    return "\n".join(lines[start:])


def _unquoted(lines: list[str]) -> list[str]:
    kept = [line for line in lines if not line.lstrip().startswith(">")]
    return kept if any(line.strip() for line in kept) else []


def _starts_with_quote(lines: list[str], start: int) -> bool:
    for line in lines[start : start + 4]:
        if line.strip():
            return line.lstrip().startswith(">")
    return False


def _first_quote(lines: list[str]) -> tuple[int, int, str]:
    """(first line of the quote start, its last line, its kind); (len, len, _NONE) when none."""
    for i, line in enumerate(lines):
        if any(marker in line for marker in REPLY_MARKERS.values()):
            return i, i, _MARKER
        stripped = line.strip()
        if not stripped or len(stripped) > 600 or stripped.startswith(">"):
            continue
        found = _quote_start(lines, i, stripped)
        if found is not None:
            return found
    return len(lines), len(lines), _NONE


def _quote_start(lines: list[str], i: int, stripped: str) -> tuple[int, int, str] | None:
    # Every one-line marker holds ":", "--", "@" or a fullwidth colon; checking that first keeps
    # the regexes off ordinary lines.
    if ":" in stripped or "--" in stripped or "@" in stripped or "：" in stripped:
        if _FORWARD.match(stripped):
            return i, i, _FORWARDED
        if _is_attribution(lines, i, stripped):
            inline = _INLINE_ON.match(stripped)
            if inline and not _WROTE.match(inline.group(1)):
                lines[i] = inline.group(1)  # keep the reply words that share the line
                return i + 1, i, _ATTRIBUTION
            return i, i, _ATTRIBUTION
        if "--" in stripped and (_SEPARATOR.match(stripped) or _WROTE_SEPARATOR.match(stripped)):
            return i, i, _CUT
        if _HEADER_NEXT.match(stripped) and _is_header_block(lines, i, stripped):
            return _include_separator(lines, i), i, _CUT
    wrapped_end = _wrapped_attribution(lines, i, stripped)
    if wrapped_end is not None:
        return i, wrapped_end, _ATTRIBUTION
    return None


def _is_attribution(lines: list[str], i: int, stripped: str) -> bool:
    if stripped.endswith((":", "：")):
        if _WROTE.match(stripped) or _SENT.match(stripped):
            return True
        if _ADDRESS_COLON.match(stripped):
            # "Op 13-02-2014 3:18 schreef Julius <j@x.nl>:" needs no quote below; a bare
            # "date, name <address>:" does, or it may be a line of the reply itself.
            return bool(_WROTE_ANYWHERE.search(stripped)) or _quote_follows(lines, i)
        return False
    return bool(_DATE_ADDRESS.match(stripped) and _quote_follows(lines, i, required=True))


def _wrapped_attribution(lines: list[str], i: int, first: str) -> int | None:
    """Clients wrap long attributions: "On Mon, 2 Nov 2026 at 10:00, Ivan <\\nivan@x.ru> wrote:",
    "W dniu 28 stycznia 2015 01:53 użytkownik Zoe <zoe@x.com>\\nnapisał:". Returns the index of
    the attribution's last line when lines ``i``.. form one."""
    if not _OPENER.match(first):
        return None
    parts = [first]
    for j in range(i + 1, min(i + 6, len(lines))):
        stripped = lines[j].strip()
        if not stripped:
            continue
        parts.append(stripped)
        joined = " ".join(parts)
        if len(joined) > 600:
            return None
        if not stripped.endswith((":", "：")):
            continue
        if not any(ch.isdigit() for ch in joined):
            return None
        if _WROTE.match(joined) or _SENT.match(joined):
            return j
        return j if _ADDRESS_COLON.match(joined) and _quote_follows(lines, j) else None
    return None


def _quote_follows(lines: list[str], i: int, *, required: bool = False) -> bool:
    for line in lines[i + 1 : i + 4]:
        if line.strip():
            return line.lstrip().startswith(">")
    return not required


def _is_header_block(lines: list[str], i: int, stripped: str) -> bool:
    """A quoted header block: From (or Date, Sent...) followed by more header lines, as Outlook,
    Hotmail and forwarding clients write it, in any of the languages above."""
    following = [line for line in lines[i + 1 : i + 12] if line.strip()][:5]
    headers = sum(1 for line in following if _HEADER_NEXT.match(line))
    if _HEADER_FROM.match(stripped):
        return headers >= 2
    return headers >= 2 and any(_HEADER_FROM.match(line) for line in following)


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
    lines = _strip_blank_tail(lines)
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

"""The ticket tag our notifications put in subjects: ``[#12345]``."""

from __future__ import annotations

import re
import unicodedata

_TAG = re.compile(r"\[\s*#\s*(\d{1,12})\s*\]")


def find_ticket_tag(subject: str | None) -> int | None:
    """The ticket number from the first ``[#NNN]`` tag in ``subject``, or None.

    Reply prefixes in any number and language ("Re: RE: Fwd: Ответ:") do not matter since the
    tag is searched anywhere; full-width brackets, hash and digits that some Asian mailers and
    IMEs produce (``［＃１２３］``) are folded to ASCII first (NFKC).
    """
    if not subject:
        return None
    match = _TAG.search(unicodedata.normalize("NFKC", subject))
    if not match:
        return None
    number = int(match.group(1))
    return number if number > 0 else None


def strip_ticket_tags(subject: str) -> str:
    """``subject`` without its ``[#NNN]`` tags and the spaces they leave (a follow-up ticket's
    subject must not name the closed ticket's number: replies would be threaded onto that one)."""
    return " ".join(_TAG.sub(" ", unicodedata.normalize("NFKC", subject)).split())

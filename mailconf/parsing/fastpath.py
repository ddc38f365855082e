"""Keeping long base64 runs away from the standard library parser.

The feed parser handles a body line by line in Python, matching every line against the
boundary pattern of each enclosing multipart: about 20 µs a line here, so a 60 KB attachment
costs 15 ms and a 25 MB one seven seconds and ~200 MB of temporary strings. Base64 is the bulk
of real mail and can never contain a boundary, header or blank line, so before parsing we
swap every long run of base64 lines for one placeholder line (a C-speed regex pass), and
after parsing put the original text back into the parts that hold a placeholder. Everything
downstream (``get_payload(decode=True)``, ``as_bytes()``) then sees the message unchanged.
"""

from __future__ import annotations

import itertools
import re
import secrets
from email.message import Message

# Lines of 40+ base64 characters; a boundary line starts with "--" and a header line holds ":",
# neither of which is in the alphabet, so a run can never swallow MIME structure.
# The pattern starts with a literal newline so the regex engine can skip ahead with a fast
# character search instead of trying every byte position (five times faster on 25 MB).
_RUN = re.compile(rb"\n((?:[A-Za-z0-9+/=]{40,}\r?\n){16,})")
_PLACEHOLDER = re.compile(r"sdb64([0-9a-f]{16})x(\d+)(\r?\n)?")
# A nonce per message so text that merely looks like a placeholder stays text: a secret drawn once
# per process, then a counter. Never shown outside the process, so it is as unguessable as a fresh
# one per message, without an os.urandom call per message (0.2 ms each on some virtual machines).
_NONCE_PREFIX = secrets.token_hex(4)
_NONCES = itertools.count()


def raw_payload(part: Message) -> str | list[Message] | None:
    """The payload exactly as parsed. ``get_payload()`` without ``decode`` re-decodes 8-bit
    payloads with the declared charset and ``errors="replace"``, losing the original bytes
    (and with them our charset detection), so we read the attribute the parser filled."""
    payload: str | list[Message] | None = part._payload  # type: ignore[attr-defined]
    return payload


class Base64Stash:
    """Holds the runs taken out of one message; use one instance per message."""

    def __init__(self) -> None:
        self.nonce = f"{_NONCE_PREFIX}{next(_NONCES) & 0xFFFFFFFF:08x}"
        self.runs: list[str] = []

    def shrink(self, raw: bytes) -> bytes:
        if len(raw) < 4096:
            return raw
        return _RUN.sub(self._stash, raw)

    def _stash(self, match: re.Match[bytes]) -> bytes:
        self.runs.append(match.group(1).decode("ascii"))
        return f"\nsdb64{self.nonce}x{len(self.runs) - 1}\n".encode("ascii")

    def _unstash(self, match: re.Match[str]) -> str:
        if match.group(1) != self.nonce:
            return match.group(0)
        run = self.runs[int(match.group(2))]
        if match.group(3) is None:  # the run ended the part: its last line break belongs to the boundary
            return run[:-2] if run.endswith("\r\n") else run[:-1]
        return run

    def restore(self, msg: Message) -> None:
        if not self.runs:
            return
        for part in msg.walk():
            payload = raw_payload(part)
            if isinstance(payload, str) and self.nonce in payload:
                part.set_payload(_PLACEHOLDER.sub(self._unstash, payload))
            # Parts written after a premature closing delimiter land in the epilogue; the MIME
            # walk recovers them from there, so their base64 must come back too.
            if part.epilogue and self.nonce in part.epilogue:
                part.epilogue = _PLACEHOLDER.sub(self._unstash, part.epilogue)
        self.runs = []  # the parts hold the text now; do not keep a second copy alive

"""Scripted misbehaviour for the test SMTP servers: what to refuse, fail or drop, and when."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

STAGES = ("mail", "data")
DROP = "drop"


@dataclass
class _Planned:
    stage: str
    remaining: int
    reply: str  # an SMTP reply line, or DROP to cut the connection without answering


@dataclass
class SmtpScript:
    """Thread-safe set of behaviours; each hook returns a reply to send instead of accepting, or None."""

    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _rejected_rcpts: dict[str, str] = field(default_factory=dict)
    _rejected_content: list[tuple[bytes, str]] = field(default_factory=list)
    _planned: list[_Planned] = field(default_factory=list)

    def reject_recipient(self, address: str, reply: str) -> None:
        with self._lock:
            self._rejected_rcpts[address.lower()] = reply

    def reject_content(self, needle: bytes, reply: str) -> None:
        with self._lock:
            self._rejected_content.append((needle, reply))

    def plan(self, stage: str, count: int, reply: str) -> None:
        if stage not in STAGES:
            raise ValueError(f"stage must be one of {STAGES}, not {stage!r}")
        if count < 1:
            raise ValueError("count must be at least 1")
        with self._lock:
            self._planned.append(_Planned(stage=stage, remaining=count, reply=reply))

    def clear(self) -> None:
        with self._lock:
            self._rejected_rcpts.clear()
            self._rejected_content.clear()
            self._planned.clear()

    def on_mail(self) -> str | None:
        return self._take("mail")

    def on_rcpt(self, address: str) -> str | None:
        with self._lock:
            return self._rejected_rcpts.get(address.lower())

    def on_data(self, raw: bytes) -> str | None:
        planned = self._take("data")
        if planned is not None:
            return planned
        with self._lock:
            return next((reply for needle, reply in self._rejected_content if needle in raw), None)

    def _take(self, stage: str) -> str | None:
        """Consume one use of the first plan for ``stage``; plans run in the order they were added."""
        with self._lock:
            for planned in self._planned:
                if planned.stage == stage:
                    planned.remaining -= 1
                    if planned.remaining == 0:
                        self._planned.remove(planned)
                    return planned.reply
        return None

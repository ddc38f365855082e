"""The seam through which an event action's e-mail can leave from the responsible employee's own
mailbox ("send from the responsible employee's personal mailbox" on the action). Notifications
may not import the personal mail app (tests/test_keep_app_import_direction.py), so that app
registers its sender here from its AppConfig.ready.

A sender is called inside the fan-out's transaction: it must only write rows and schedule the
network I/O after commit, and return False when the employee cannot send (no connected mailbox,
no consent), so the letter falls back to the normal outbox.
"""

from __future__ import annotations

from collections.abc import Callable

from .mail import Letter

PersonalSender = Callable[[int, Letter], bool]

_sender: PersonalSender | None = None


def register_personal_sender(sender: PersonalSender | None) -> None:
    global _sender
    _sender = sender


def send_as_employee(user_id: int, letter: Letter) -> bool:
    """True when the letter was queued through `user_id`'s own mailbox."""
    return _sender is not None and _sender(user_id, letter)

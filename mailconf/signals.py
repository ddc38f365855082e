"""What the mail app announces, for the parts that act on it without the announcer importing them.

Sent synchronously, in the sender's transaction (a receiver's rows commit or roll back with it):

- `alert_raised(connection, key, context)`: a connection raised administrator alert `key`
  ("failures", "token", "stuck"; see `connections.alerts`). The outbox mails the administrator
  address; notifications raise "mail.connection_failing" for a failing mailbox.
- `outgoing_settings_changed(connection)`: the outgoing card or a settings import saved changed
  settings. The outbox mails a test message to the administrator address.
- `message_unprocessable(connection, entry)`: a fetched message could not be processed (its
  mail log row says why). Notifications raise "mail.unprocessable".

They exist so that imports point one way: `connections` sits below the outbox, and the mail app
below notifications, yet both lower layers need the upper ones to act.
"""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import Signal

log = logging.getLogger(__name__)

alert_raised = Signal()
outgoing_settings_changed = Signal()
message_unprocessable = Signal()


def announce(signal: Signal, sender: type, **kwargs: Any) -> None:
    """Send `signal`; a receiver's failure is logged, never raised: whatever a receiver does
    (mail the administrator, raise a notification) must not break mail delivery or intake."""
    for receiver, result in signal.send_robust(sender, **kwargs):
        if isinstance(result, Exception):
            log.error("receiver %r of a mail signal failed: %s", receiver, result, exc_info=result)

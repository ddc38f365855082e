"""What the mail app announces (`mailconf.signals`) becomes catalogue events for technologists.

Connected in `NotificationsConfig.ready`; they run in the announcer's transaction, so the event's
occurrence row commits with the change that caused it.
"""

from __future__ import annotations

from typing import Any

from mailconf.models import IncomingConnection, MailConnection, ProcessedMessage

from . import catalogue
from .services import notify_event


def connection_alert_raised(
    sender: type[MailConnection], *, connection: MailConnection, key: str, context: dict[str, Any], **_: Any
) -> None:
    """Receiver of `alert_raised`: a mailbox failing again and again is "mail.connection_failing"."""
    if isinstance(connection, IncomingConnection) and key == "failures":
        notify_event(
            catalogue.MAIL_CONNECTION_FAILING,
            context={"MAIL_CONNECTION": connection.name, "MAIL_ERROR": context.get("detail", "")},
        )


def message_unprocessable(
    sender: type[IncomingConnection], *, connection: IncomingConnection, entry: ProcessedMessage, **_: Any
) -> None:
    """Receiver of `message_unprocessable`: "mail.unprocessable" with the mail log's reason."""
    notify_event(
        catalogue.MAIL_UNPROCESSABLE,
        context={
            "MAIL_CONNECTION": connection.name,
            "MAIL_FROM": entry.sender,
            "MAIL_SUBJECT": entry.subject,
            "MAIL_ERROR": entry.reason,
        },
    )

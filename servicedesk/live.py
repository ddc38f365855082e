"""Live ticket cards: an open card learns, within about a second, that somebody changed its ticket.

Every change of a ticket writes a history row, so the ticket's "version" is the id of its latest
history row. After a change commits, `announce_changes` (subscribed to the domain events) publishes
the ticket ids on Redis pub/sub; the card's Server-Sent Events stream (`views/live.py`) wakes up,
reads the version and tells the browser, which fetches the card and swaps the parts the user is
not editing (static/js/live.js). Without Redis (the embedded default) the stream reads the version
every NOTIFY_PUSH_POLL_SECONDS instead (servicedesk/pubsub.py, shared with the push stream). A
reconnect sends the last version seen: nothing is missed.
"""

from __future__ import annotations

from . import events, pubsub
from .models import TicketHistory

TOPIC = "ticket"


def channel_name(ticket_id: int) -> str:
    return pubsub.channel_name(TOPIC, ticket_id)


def announce_changes(batch: list[events.DomainEvent]) -> None:
    """Subscribed with `events.subscribe_many`: runs after commit, once per batch of events."""
    ticket_ids = sorted({event.ticket_id for event in batch if event.ticket_id is not None})
    pubsub.publish(channel_name(ticket_id) for ticket_id in ticket_ids)


def waiter(ticket_id: int) -> pubsub.Waiter:
    """What an open card's stream sleeps on until its ticket may have changed."""
    return pubsub.Waiter(channel_name(ticket_id))


def latest_change(ticket_id: int) -> tuple[int, str]:
    """(id, author) of the ticket's latest history row; (0, "") for none."""
    row = TicketHistory.objects.filter(ticket_id=ticket_id).order_by("-pk").values_list("pk", "actor_name").first()
    return (row[0], row[1]) if row else (0, "")

"""Live ticket cards: an open card learns, within about a second, that somebody changed its ticket.

Every change of a ticket writes a history row, so the ticket's "version" is the id of its latest
history row. After a change commits, `announce_changes` (subscribed to the domain events) publishes
the ticket ids on Redis pub/sub; the card's Server-Sent Events stream (`views/live.py`) wakes up,
reads the version and tells the browser, which fetches the card and swaps the parts the user is
not editing (static/js/live.js). Without Redis (the embedded default) the stream reads the version
every NOTIFY_PUSH_POLL_SECONDS instead. A reconnect sends the last version seen: nothing is missed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.conf import settings

from . import events
from .models import TicketHistory

log = logging.getLogger(__name__)


def channel_name(ticket_id: int) -> str:
    # The database name keeps test runs and installations sharing one Redis apart.
    return f"sd:{settings.DATABASES['default']['NAME']}:ticket:{ticket_id}"


@lru_cache(maxsize=1)
def _client() -> Any:
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


def announce_changes(batch: list[events.DomainEvent]) -> None:
    """Subscribed with `events.subscribe_many`: runs after commit, once per batch of events."""
    ticket_ids = sorted({event.ticket_id for event in batch if event.ticket_id is not None})
    if ticket_ids and settings.REDIS_URL:
        publish(ticket_ids)


def publish(ticket_ids: Iterable[int]) -> None:
    try:
        pipe = _client().pipeline(transaction=False)
        for ticket_id in ticket_ids:
            pipe.publish(channel_name(ticket_id), "1")
        pipe.execute()
    except Exception:  # open cards fall back to their periodic read; a Redis hiccup must not fail the change
        log.warning("could not announce ticket changes on Redis", exc_info=True)


def latest_change(ticket_id: int) -> tuple[int, str]:
    """(id, author) of the ticket's latest history row; (0, "") for none."""
    row = TicketHistory.objects.filter(ticket_id=ticket_id).order_by("-pk").values_list("pk", "actor_name").first()
    return (row[0], row[1]) if row else (0, "")


class Waiter:
    """Sleeps until the ticket may have changed: a Redis message, or a poll interval without Redis."""

    def __init__(self, ticket_id: int) -> None:
        self.ticket_id = ticket_id
        self.client: Any = None
        self.pubsub: Any = None

    async def start(self) -> None:
        if not settings.REDIS_URL:
            return
        try:
            import redis.asyncio as aioredis

            self.client = aioredis.Redis.from_url(settings.REDIS_URL)
            self.pubsub = self.client.pubsub()
            await self.pubsub.subscribe(channel_name(self.ticket_id))
        except Exception:  # no Redis now: read the database periodically like the embedded default
            log.warning("Redis unavailable for a live ticket card; polling", exc_info=True)
            await self.close()

    async def wait(self, timeout: float) -> None:
        poll = float(settings.NOTIFY_PUSH_POLL_SECONDS)
        if self.pubsub is None:
            await asyncio.sleep(min(timeout, poll))
            return
        try:
            message = await self.pubsub.get_message(ignore_subscribe_messages=True, timeout=timeout)
            while message is not None:  # a burst of changes needs one read
                message = await self.pubsub.get_message(ignore_subscribe_messages=True, timeout=0)
        except Exception:
            log.warning("Redis subscription of a live ticket card lost; polling", exc_info=True)
            await self.close()

    async def close(self) -> None:
        pubsub, client, self.pubsub, self.client = self.pubsub, self.client, None, None
        try:
            if pubsub is not None:
                await pubsub.aclose()
            if client is not None:
                await client.aclose()
        except Exception:  # closing a broken connection may fail again; nothing is left to do
            log.debug("closing the Redis subscription failed", exc_info=True)

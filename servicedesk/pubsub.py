"""Wake-ups over Redis pub/sub, shared by the push stream (notifications/push.py) and the live
ticket card (servicedesk/live.py).

A message carries no data: it only says "read the database again". Rows are always written (and
committed) first, so a lost message costs at most one poll interval and a reconnecting browser
misses nothing. Without Redis (the embedded default of `make run`), or while Redis is down, a
stream reads the database every NOTIFY_PUSH_POLL_SECONDS instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.conf import settings

log = logging.getLogger(__name__)

# A burst of publishes is drained with one read of the database, not one per message.
DRAIN_LIMIT = 1000


def channel_name(topic: str, key: int) -> str:
    # The database name keeps test runs and installations sharing one Redis apart.
    return f"sd:{settings.DATABASES['default']['NAME']}:{topic}:{key}"


@lru_cache(maxsize=1)
def _client() -> Any:
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


def publish(channels: Iterable[str]) -> None:
    """Wake every stream listening on these channels. Never raises: a Redis hiccup must not fail
    the change that was just committed; the streams fall back to their periodic read."""
    names = list(channels)
    if not names or not settings.REDIS_URL:
        return
    try:
        pipe = _client().pipeline(transaction=False)
        for name in names:
            pipe.publish(name, "1")
        pipe.execute()
    except Exception:
        log.warning("could not publish %d wake-up(s) on Redis", len(names), exc_info=True)


class Waiter:
    """Sleeps until there may be something new on `channel`: a Redis message, or a poll interval.

    `start()` before the stream's first read of the database, so nothing falls in between;
    `close()` when the stream ends. Any Redis failure turns the waiter into a poller for the rest
    of the stream.
    """

    def __init__(self, channel: str) -> None:
        self.channel = channel
        self.client: Any = None
        self.pubsub: Any = None

    async def start(self) -> None:
        if not settings.REDIS_URL:
            return
        try:
            import redis.asyncio as aioredis

            self.client = aioredis.Redis.from_url(settings.REDIS_URL)
            self.pubsub = self.client.pubsub()
            await self.pubsub.subscribe(self.channel)
        except Exception:  # no Redis right now: poll the database like the embedded default
            log.warning("Redis unavailable for %s; polling", self.channel, exc_info=True)
            await self.close()

    async def wait(self, timeout: float) -> None:
        if self.pubsub is None:
            await asyncio.sleep(min(timeout, float(settings.NOTIFY_PUSH_POLL_SECONDS)))
            return
        try:
            message = await self.pubsub.get_message(ignore_subscribe_messages=True, timeout=timeout)
            for _ in range(DRAIN_LIMIT):
                if message is None:
                    break
                message = await self.pubsub.get_message(ignore_subscribe_messages=True, timeout=0)
        except Exception:
            log.warning("Redis subscription to %s lost; polling", self.channel, exc_info=True)
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

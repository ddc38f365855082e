"""Server-to-browser push: Server-Sent Events fed from Notification rows.

Rows come first. After the fan-out commits, `announce()` publishes the user ids on Redis pub/sub
(one channel per user); every web process that holds a stream for that user wakes up and reads the
new rows from the database, so several processes work and nothing depends on the message itself.
Without Redis (the embedded default of `make run`) the stream polls the database every
NOTIFY_PUSH_POLL_SECONDS instead. A browser that reconnects sends Last-Event-ID (the last row id
it saw) and receives every row after it: offline time loses nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Iterable
from functools import lru_cache
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection, transaction

from .models import Notification

log = logging.getLogger(__name__)

KEEPALIVE_SECONDS = 15.0
BATCH = 100


def poll_seconds() -> float:
    return float(settings.NOTIFY_PUSH_POLL_SECONDS)


def stream_seconds() -> float:
    """A stream ends after this long and the browser reconnects at once with Last-Event-ID, so no
    request lives forever behind a proxy and every process sheds idle streams."""
    return float(settings.NOTIFY_STREAM_SECONDS)


def channel_name(user_id: int) -> str:
    # The database name keeps test runs and installations sharing one Redis apart.
    return f"sd:{settings.DATABASES['default']['NAME']}:notify:{user_id}"


@lru_cache(maxsize=1)
def _sync_client() -> Any:
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


def announce(user_ids: Iterable[int]) -> None:
    """Wake the streams of these users once the current transaction commits."""
    ids = sorted(set(user_ids))
    if ids and settings.REDIS_URL:
        transaction.on_commit(lambda: _publish(ids))


def _publish(user_ids: list[int]) -> None:
    try:
        pipe = _sync_client().pipeline(transaction=False)
        for user_id in user_ids:
            pipe.publish(channel_name(user_id), "1")
        pipe.execute()
    except Exception:  # streams fall back to their periodic read; a Redis hiccup must not fail the event
        log.warning("could not publish notifications to Redis", exc_info=True)


# --- The stream --------------------------------------------------------------------------------------
def _rows_after(user_id: int, after_id: int) -> tuple[list[dict[str, object]], int]:
    rows = list(Notification.objects.filter(user_id=user_id, pk__gt=after_id).order_by("pk")[:BATCH])
    unread = Notification.objects.filter(user_id=user_id, read_at__isnull=True).count() if rows else -1
    return [row.as_payload() for row in rows], unread


def _close_connection() -> None:
    # The stream's thread is about to go; its connection would otherwise linger until garbage
    # collection. Inside a transaction (tests) the connection is not ours to close.
    if not connection.in_atomic_block:
        connection.close()


def format_event(payload: dict[str, object]) -> bytes:
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return f"id: {payload['id']}\nevent: notification\ndata: {data}\n\n".encode()


class _Waiter:
    """Sleeps until there may be something new: a Redis message, or a poll interval."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        self.pubsub: Any = None
        self.client: Any = None

    async def start(self) -> None:
        if not settings.REDIS_URL:
            return
        try:
            import redis.asyncio as aioredis

            self.client = aioredis.Redis.from_url(settings.REDIS_URL)
            self.pubsub = self.client.pubsub()
            await self.pubsub.subscribe(channel_name(self.user_id))
        except Exception:  # no Redis right now: poll the database like the embedded default
            log.warning("Redis unavailable for the notification stream; polling", exc_info=True)
            await self.close()

    async def wait(self, timeout: float) -> None:
        if self.pubsub is None:
            await asyncio.sleep(min(timeout, poll_seconds()))
            return
        try:
            message = await self.pubsub.get_message(ignore_subscribe_messages=True, timeout=timeout)
            # A burst of publishes needs one database read, not one per message.
            for _ in range(1000):
                if message is None:
                    break
                message = await self.pubsub.get_message(ignore_subscribe_messages=True, timeout=0)
        except Exception:
            log.warning("Redis stream subscription lost; polling", exc_info=True)
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


async def event_stream(user_id: int, after_id: int) -> AsyncIterator[bytes]:
    """SSE bytes: every row after `after_id`, then new rows as they are committed."""
    waiter = _Waiter(user_id)
    await waiter.start()  # subscribe before the first read, so nothing falls in between
    fetch = sync_to_async(_rows_after)
    last_sent = time.monotonic()
    deadline = last_sent + stream_seconds()
    try:
        yield b"retry: 1000\n: connected\n\n"
        while time.monotonic() < deadline:
            rows, unread = await fetch(user_id, after_id)
            for payload in rows:
                payload["unread"] = unread
                after_id = int(payload["id"])  # type: ignore[call-overload]
                yield format_event(payload)
            if rows:
                last_sent = time.monotonic()
                if len(rows) == BATCH:
                    continue
            elif time.monotonic() - last_sent > KEEPALIVE_SECONDS:
                last_sent = time.monotonic()
                yield b": keepalive\n\n"
            await waiter.wait(KEEPALIVE_SECONDS)
    finally:
        await waiter.close()
        await sync_to_async(_close_connection)()


def catch_up(user_id: int, after_id: int) -> bytes:
    """The rows after `after_id` as one finite SSE body, for servers that cannot stream (WSGI)."""
    rows, unread = _rows_after(user_id, after_id)
    body = [b"retry: 2000\n\n"]
    for payload in rows:
        payload["unread"] = unread
        body.append(format_event(payload))
    return b"".join(body)

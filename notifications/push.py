"""Server-to-browser push: Server-Sent Events fed from Notification rows.

Rows come first. After the fan-out commits, `announce()` publishes the user ids on Redis pub/sub
(one channel per user); every web process that holds a stream for that user wakes up and reads the
new rows from the database, so several processes work and nothing depends on the message itself.
Without Redis (the embedded default of `make run`) the stream polls the database every
NOTIFY_PUSH_POLL_SECONDS instead; the waiting is servicedesk/pubsub.py, shared with the live
ticket card. A browser that reconnects sends Last-Event-ID (the last row id it saw) and receives
every row after it: offline time loses nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterable

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection, transaction

from servicedesk import pubsub

from .models import Notification

TOPIC = "notify"

KEEPALIVE_SECONDS = 15.0
BATCH = 100


def stream_seconds() -> float:
    """A stream ends after this long and the browser reconnects at once with Last-Event-ID, so no
    request lives forever behind a proxy and every process sheds idle streams."""
    return float(settings.NOTIFY_STREAM_SECONDS)


def channel_name(user_id: int) -> str:
    return pubsub.channel_name(TOPIC, user_id)


def announce(user_ids: Iterable[int]) -> None:
    """Wake the streams of these users once the current transaction commits."""
    ids = sorted(set(user_ids))
    if ids and settings.REDIS_URL:
        transaction.on_commit(lambda: _publish(ids))


def _publish(user_ids: list[int]) -> None:
    pubsub.publish(channel_name(user_id) for user_id in user_ids)


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


async def event_stream(user_id: int, after_id: int) -> AsyncIterator[bytes]:
    """SSE bytes: every row after `after_id`, then new rows as they are committed."""
    waiter = pubsub.Waiter(channel_name(user_id))
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

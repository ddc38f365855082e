"""The live channel of an open ticket card: Server-Sent Events saying "the ticket changed"."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse

from .. import live, permissions

KEEPALIVE_SECONDS = 15.0


def _visible(user: object, pk: int) -> bool:
    return permissions.is_operator(user) and permissions.visible_tickets(user).filter(pk=pk).exists()  # type: ignore[arg-type]


def _event(version: int, actor: str) -> bytes:
    data = json.dumps({"version": version, "actor": actor}, ensure_ascii=False)
    return f"id: {version}\nevent: changed\ndata: {data}\n\n".encode()


def _after(request: HttpRequest) -> int:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after") or "0"
    return int(raw) if raw.isdigit() else 0


def _close_connection() -> None:
    if not connection.in_atomic_block:
        connection.close()


async def _stream(pk: int, after: int) -> AsyncIterator[bytes]:
    waiter = live.waiter(pk)
    await waiter.start()  # subscribe before the first read, so nothing falls in between
    read = sync_to_async(live.latest_change)
    last_sent = time.monotonic()
    deadline = last_sent + float(settings.NOTIFY_STREAM_SECONDS)
    try:
        yield b"retry: 1000\n: connected\n\n"
        while time.monotonic() < deadline:
            version, actor = await read(pk)
            if version > after:
                after = version
                last_sent = time.monotonic()
                yield _event(version, actor)
            elif time.monotonic() - last_sent > KEEPALIVE_SECONDS:
                last_sent = time.monotonic()
                yield b": keepalive\n\n"
            await waiter.wait(KEEPALIVE_SECONDS)
    finally:
        await waiter.close()
        await sync_to_async(_close_connection)()


async def ticket_live(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Under ASGI the response streams; under WSGI (which would buffer it) it answers at once with
    the change, if any, and the browser asks again in two seconds."""
    user = await request.auser()
    if not user.is_authenticated or not await sync_to_async(_visible)(user, pk):
        raise Http404
    after = _after(request)
    if isinstance(request, ASGIRequest):
        response: HttpResponseBase = StreamingHttpResponse(_stream(pk, after), content_type="text/event-stream")
    else:
        version, actor = await sync_to_async(live.latest_change)(pk)
        body = b"retry: 2000\n\n" + (_event(version, actor) if version > after else b"")
        response = HttpResponse(body, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"
    return response

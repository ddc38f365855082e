"""The PBX API as uvicorn serves it: the project's ASGI application routes it to the lean handler
(one thread hop, no page middleware), which still applies the security headers and the label;
the API kicks the worker once per coalescing interval, and that kick takes every pending call."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connections

from servicedesk import labels
from servicedesk.services.labels import switch_module
from telephony import tasks
from telephony.models import PbxCall
from telephony.services import intake
from telephony.tests.conftest import MISSED_URL, call_payload

pytestmark = pytest.mark.django_db(transaction=True)


def asgi_post(path: str, body: dict[str, Any], token: str) -> tuple[int, dict[bytes, bytes], bytes]:
    """One request through `servicedesk.asgi.application`, as uvicorn would make it."""
    from servicedesk.asgi import application

    raw = json.dumps(body).encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"authorization", f"Bearer {token}".encode()),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(raw)).encode()),
        ],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 80),
    }
    incoming = [{"type": "http.request", "body": raw, "more_body": False}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if incoming:
            return incoming.pop(0)
        await asyncio.sleep(3600)  # the client keeps the connection open
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def serve() -> None:
        # One pool thread, whose database connection is closed at the end (a test database with
        # a connection left open cannot be dropped).
        loop = asyncio.get_running_loop()
        loop.set_default_executor(ThreadPoolExecutor(1))
        await application(scope, receive, send)
        await loop.run_in_executor(None, connections.close_all)

    asyncio.run(serve())
    start = next(m for m in sent if m["type"] == "http.response.start")
    body_bytes = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], {name.lower(): value for name, value in start["headers"]}, body_bytes


def test_a_call_posted_over_asgi_is_stored_processed_and_answered_with_security_headers(cast, phone_settings, token):
    status, headers, body = asgi_post(MISSED_URL, call_payload(to="201"), token)
    assert status == 201, body
    call = PbxCall.objects.get(pk=json.loads(body)["id"])
    assert headers[b"x-content-type-options"] == b"nosniff"  # SecurityMiddleware still runs
    call.refresh_from_db()
    assert call.processed_at is not None  # the (eager) kick took it
    assert list(call.employees.all()) == [cast.operator]
    assert b"set-cookie" not in headers  # no session, no CSRF cookie for a machine


def test_a_retry_over_asgi_stores_nothing_twice(phone_settings, token):
    first = asgi_post(MISSED_URL, call_payload(call_id="same"), token)
    again = asgi_post(MISSED_URL, call_payload(call_id="same"), token)
    assert (first[0], again[0]) == (201, 200)
    assert PbxCall.objects.count() == 1


def test_telephony_switched_off_answers_404_on_every_path(phone_settings, token, client):
    switch_module(code="telephony", enabled=False, actor=None)
    status, _headers, _body = asgi_post(MISSED_URL, call_payload(), token)
    assert status == 404
    assert client.post(MISSED_URL, call_payload(), content_type="application/json").status_code == 404
    assert PbxCall.objects.count() == 0
    switch_module(code="telephony", enabled=True, actor=None)
    assert asgi_post(MISSED_URL, call_payload(), token)[0] == 201


def test_kicks_are_coalesced_and_the_one_kick_takes_every_pending_call(phone_settings, token, settings, monkeypatch):
    settings.TELEPHONY_KICK_COALESCE_SECONDS = 5.0
    monkeypatch.setattr(intake, "_next_kick", 0.0)
    kicks: list[dict[str, Any]] = []
    monkeypatch.setattr(tasks.process_pending_calls_task, "apply_async", lambda **kw: kicks.append(kw))
    for n in range(3):
        assert asgi_post(MISSED_URL, call_payload(call_id=f"c{n}"), token)[0] == 201
    assert kicks == [{"countdown": 5.0}]  # one broker message for three calls, sent 5 s ahead
    assert PbxCall.objects.filter(processed_at__isnull=True).count() == 3
    monkeypatch.undo()
    assert tasks.process_pending_calls_task() == 3
    assert tasks.process_pending_calls_task() == 0  # each once
    labels.forget()

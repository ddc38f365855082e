"""The push stream under a real ASGI server: Redis pub/sub across processes, the database-polling
fallback without Redis, and catch-up from Last-Event-ID."""

from __future__ import annotations

import time

import pytest
from django.db import connection, transaction

from notifications import catalogue
from notifications.models import Channel, Notification
from notifications.tests.conftest import session_cookie
from notifications.tests.factories import make_action, new_ticket, only_actions
from notifications.tests.sse import SseClient
from servicedesk.services.tickets import add_comment

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _setup(cast):
    only_actions(
        make_action(
            catalogue.COMMENT_PUBLIC,
            Channel.PUSH,
            to_responsible=True,
            subject_ru="Comment on TICKET_NUMBER",
            body_ru="COMMENT_TEXT",
        )
    )
    return new_ticket(cast)


def _comment(cast, ticket, text):
    with transaction.atomic():
        add_comment(ticket=ticket, actor=cast.operator.user, body=text)
    return time.monotonic()


@pytest.mark.parametrize("redis", [True, False], ids=["redis", "polling"])
def test_comment_reaches_an_open_stream_within_a_second(cast, client, asgi_server_factory, redis):
    assert connection.vendor == "postgresql"
    ticket = _setup(cast)
    server = asgi_server_factory(redis=redis)
    stream = SseClient(f"{server.url}/notifications/stream", session_cookie(client, "line2"))
    try:
        assert stream.status == 200 and stream.content_type.startswith("text/event-stream")
        time.sleep(0.3)  # let the stream subscribe
        sent = _comment(cast, ticket, "Cable replaced")
        [event] = stream.events(1, timeout=3)
        assert time.monotonic() - sent < 1.0
        assert event["body"] == "Cable replaced" and event["unread"] == 1
        assert event["url"] == f"/tickets/{ticket.pk}/"
    finally:
        stream.close()


def test_two_processes_both_deliver_and_reconnect_catches_up(cast, client, asgi_server_factory):
    ticket = _setup(cast)
    first, second = asgi_server_factory(), asgi_server_factory()
    session = session_cookie(client, "line2")
    streams = [SseClient(f"{server.url}/notifications/stream", session) for server in (first, second)]
    try:
        time.sleep(0.3)
        _comment(cast, ticket, "one")
        ids = [stream.events(1)[0]["_id"] for stream in streams]
        assert ids[0] == ids[1]
    finally:
        for stream in streams:
            stream.close()
    # Offline: two more notifications; the reconnecting browser sends the last id it saw.
    _comment(cast, ticket, "two")
    _comment(cast, ticket, "three")
    again = SseClient(f"{second.url}/notifications/stream", session, last_event_id=ids[0])
    try:
        assert [event["body"] for event in again.events(2)] == ["two", "three"]
    finally:
        again.close()
    assert Notification.objects.count() == 3


def test_stream_refuses_anonymous(asgi_server_factory, cast):
    server = asgi_server_factory(redis=False)
    stream = SseClient(f"{server.url}/notifications/stream", "no-such-session")
    assert stream.status == 403
    stream.close()

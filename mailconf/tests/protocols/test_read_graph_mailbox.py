"""The Microsoft Graph client against a loopback fake of the documented v1.0 mail endpoints."""

from __future__ import annotations

import pytest

from mailconf.protocols.errors import TransportError
from mailconf.protocols.incoming import open_mailbox, parse_folder

from .conftest import ConfigFactory, make_message
from .fake_graph import FakeGraph


def test_lists_every_page_and_fetches_raw_mime(graph: FakeGraph, graph_config: ConfigFactory) -> None:
    raws = [make_message(f"Письмо {n}") for n in range(5)]
    ids = [graph.deliver(raw) for raw in raws]
    with open_mailbox("graph", graph_config()) as box:
        assert "Входящие" in box.check()
        messages = box.list_messages(["INBOX"])
        # The fake serves two per page: five messages take three requests through @odata.nextLink.
        assert [m.server_id for m in messages] == ids
        assert [m.size for m in messages] == [len(raw) for raw in raws]
        assert [box.fetch(m) for m in messages] == raws
    assert sum(r.endswith("/messages") for r in graph.state.requests) == 3


def test_folders_resolve_by_display_name_from_inbox_or_top(graph: FakeGraph, graph_config: ConfigFactory) -> None:
    support = graph.add_folder("Support")
    requests_folder = graph.add_folder("Заявки", parent="root-id")
    graph.deliver(make_message("Support"), folder=support)
    graph.deliver(make_message("Top level"), folder=requests_folder)
    with open_mailbox("graph", graph_config()) as box:
        (in_support,) = box.list_messages(parse_folder("inbox\\support"))
        (in_requests,) = box.list_messages(parse_folder("Заявки"))
        assert b"Subject: Support" in box.fetch(in_support)
        assert b"Subject: Top level" in box.fetch(in_requests)
        with pytest.raises(TransportError) as caught:
            box.list_messages(["INBOX", "Missing"])
    assert caught.value.permanent


def test_acknowledge_moves_to_created_folders(graph: FakeGraph, graph_config: ConfigFactory) -> None:
    graph.deliver(make_message("Good"))
    graph.deliver(make_message("Bad"))
    config = graph_config(processed_folder=["INBOX", "Обработанные"], error_folder=["Ошибки", "Почта"])
    with open_mailbox("graph", config) as box:
        good, bad = box.list_messages(["INBOX"])
        box.acknowledge(good, outcome="processed")
        box.acknowledge(bad, outcome="error")
        assert box.list_messages(["INBOX"]) == []
    processed = graph.child_named("inbox-id", "Обработанные")
    errors = graph.child_named(graph.child_named("root-id", "Ошибки").id, "Почта")
    assert [m.raw for m in graph.messages_in(processed.id)] == [make_message("Good")]
    assert [m.raw for m in graph.messages_in(errors.id)] == [make_message("Bad")]


def test_acknowledge_deletes_without_folders(graph: FakeGraph, graph_config: ConfigFactory) -> None:
    graph.deliver(make_message("One"))
    with open_mailbox("graph", graph_config()) as box:
        (message,) = box.list_messages(["INBOX"])
        box.acknowledge(message, outcome="processed")
    assert graph.state.messages == {}
    assert graph.state.requests[-1] == f"DELETE /v1.0/users/{graph.state.user}/messages/{message.server_id}"


def test_size_guard_stops_reading_when_the_size_is_unknown(graph: FakeGraph, graph_config: ConfigFactory) -> None:
    graph.deliver(make_message("Huge", padding=300_000))
    with open_mailbox("graph", graph_config()) as box:
        (message,) = box.list_messages(["INBOX"])
        assert message.size is not None
        with pytest.raises(TransportError) as caught:
            # Without the listed size only the streamed download can tell.
            box.fetch(type(message)(server_id=message.server_id, folder=message.folder), max_bytes=100_000)
        assert caught.value.permanent
        with pytest.raises(TransportError):
            box.fetch(message, max_bytes=100_000)


def test_rejected_token_is_permanent_and_keeps_graphs_message(graph_config: ConfigFactory) -> None:
    with pytest.raises(TransportError) as caught:
        open_mailbox("graph", graph_config(token_provider=lambda: "expired")).check()
    assert caught.value.permanent
    assert "InvalidAuthenticationToken" in str(caught.value)
    assert "expired" not in str(caught.value)


def test_unreachable_service_is_temporary(graph_config: ConfigFactory) -> None:
    with pytest.raises(TransportError) as caught:
        open_mailbox("graph", graph_config(graph_base_url="http://127.0.0.1:1")).check()
    assert not caught.value.permanent

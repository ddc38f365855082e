"""The EWS client (real exchangelib) against a loopback fake Exchange speaking the documented SOAP."""

from __future__ import annotations

import pytest

from mailconf.protocols.errors import TransportError
from mailconf.protocols.incoming import open_mailbox, parse_folder

from .conftest import ConfigFactory, make_message
from .fake_ews import FakeEws


def test_lists_and_fetches_mime_content(ews: FakeEws, ews_config: ConfigFactory) -> None:
    raws = [make_message("Первое"), make_message("Second")]
    ids = [ews.deliver(raw) for raw in raws]
    with open_mailbox("ews", ews_config()) as box:
        assert "Входящие" in box.check()
        messages = box.list_messages(["INBOX"])
        assert [m.server_id for m in messages] == ids
        assert [m.size for m in messages] == [len(raw) for raw in raws]
        assert [box.fetch(m) for m in messages] == raws
    assert "FindItem" in ews.state.operations and "GetItem" in ews.state.operations


def test_folders_resolve_by_name_under_inbox_or_top(ews: FakeEws, ews_config: ConfigFactory) -> None:
    support = ews.add_folder("Support")
    top = ews.add_folder("Заявки", parent="AAMktois==")
    ews.deliver(make_message("Support"), folder=support)
    ews.deliver(make_message("Top"), folder=top)
    with open_mailbox("ews", ews_config()) as box:
        (in_support,) = box.list_messages(parse_folder("INBOX/Support"))
        (in_top,) = box.list_messages(parse_folder("Заявки"))
        assert b"Subject: Support" in box.fetch(in_support)
        assert b"Subject: Top" in box.fetch(in_top)
        with pytest.raises(TransportError) as caught:
            box.list_messages(["INBOX", "Missing"])
    assert caught.value.permanent


def test_acknowledge_moves_into_created_folders(ews: FakeEws, ews_config: ConfigFactory) -> None:
    ews.deliver(make_message("Good"))
    ews.deliver(make_message("Bad"))
    config = ews_config(processed_folder=["INBOX", "Обработанные"], error_folder=["Ошибки"])
    with open_mailbox("ews", config) as box:
        good, bad = box.list_messages(["INBOX"])
        box.acknowledge(good, outcome="processed")
        box.acknowledge(bad, outcome="error")
        assert box.list_messages(["INBOX"]) == []
    assert [i.mime for i in ews.items_in(ews.folder_named("INBOX", "Обработанные").id)] == [make_message("Good")]
    assert [i.mime for i in ews.items_in(ews.folder_named("Ошибки").id)] == [make_message("Bad")]
    assert ews.state.operations.count("CreateFolder") == 2


def test_acknowledge_deletes_without_folders(ews: FakeEws, ews_config: ConfigFactory) -> None:
    ews.deliver(make_message("One"))
    with open_mailbox("ews", ews_config()) as box:
        (message,) = box.list_messages(["INBOX"])
        box.acknowledge(message, outcome="error")
    assert ews.state.items == {}
    assert ews.state.operations[-1] == "DeleteItem"


def test_size_guard_refuses_before_get_item(ews: FakeEws, ews_config: ConfigFactory) -> None:
    ews.deliver(make_message("Huge", padding=200_000))
    with open_mailbox("ews", ews_config()) as box:
        (message,) = box.list_messages(["INBOX"])
        with pytest.raises(TransportError) as caught:
            box.fetch(message, max_bytes=50_000)
    assert caught.value.permanent
    assert "GetItem" not in ews.state.operations


def test_oauth_bearer_token_from_the_provider(ews: FakeEws, ews_config: ConfigFactory) -> None:
    ews.deliver(make_message("Via OAuth"))
    config = ews_config(password="", oauth2=True, token_provider=lambda: ews.state.token)
    with open_mailbox("ews", config) as box:
        assert len(box.list_messages(["INBOX"])) == 1
    with pytest.raises(TransportError) as caught:
        open_mailbox("ews", ews_config(password="", oauth2=True, token_provider=lambda: "stale")).check()
    assert caught.value.permanent


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"password": "wrong"}, "authentication failed"),
        ({"ca_file": None}, "certificate"),
        # A valid application token, but a mailbox the server does not know.
        (
            {"login": "someone-else@example.test", "oauth2": True, "token_provider": lambda: "ews-token"},
            "ErrorFolderNotFound",
        ),
    ],
)
def test_settings_problems_are_permanent(
    ews_config: ConfigFactory, overrides: dict[str, object], expected: str
) -> None:
    with pytest.raises(TransportError) as caught:
        open_mailbox("ews", ews_config(**overrides)).check()
    assert caught.value.permanent
    assert expected in str(caught.value)


def test_unreachable_server_is_temporary(ews_config: ConfigFactory) -> None:
    with pytest.raises(TransportError) as caught:
        open_mailbox("ews", ews_config(ews_url="https://127.0.0.1:1/EWS/Exchange.asmx")).check()
    assert not caught.value.permanent

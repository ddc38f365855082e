"""Listing, fetching and acknowledging IMAP messages on the real Dovecot."""

from __future__ import annotations

from dataclasses import replace

import pytest
from imapclient import IMAPClient

from mailconf.protocols.errors import TransportError
from mailconf.protocols.imap import ImapMailbox
from mailconf.protocols.incoming import open_mailbox, parse_folder
from servicedesk.testing.fixtures_mail import Mailbox

from .conftest import ConfigFactory, make_message


def _folder_contents(mailbox: Mailbox, folder: str) -> list[bytes]:
    """What a mail client would see in ``folder``, read with a separate connection."""
    with IMAPClient(mailbox.server.host, mailbox.server.imap_port, ssl=False) as client:
        client.login(mailbox.login, mailbox.password)
        if not client.folder_exists(folder):
            return []
        client.select_folder(folder, readonly=True)
        uids = client.search("ALL")
        return [
            data[b"BODY[HEADER.FIELDS (SUBJECT)]"].strip()
            for data in client.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (SUBJECT)]"]).values()
        ]


def _seen_flags(mailbox: Mailbox) -> list[bool]:
    with IMAPClient(mailbox.server.host, mailbox.server.imap_port, ssl=False) as client:
        client.login(mailbox.login, mailbox.password)
        client.select_folder("INBOX", readonly=True)
        return [b"\\Seen" in flags for flags in client.get_flags(client.search("ALL")).values()]


def test_list_and_fetch_return_raw_bytes_without_marking_seen(imap_config: ConfigFactory, mailbox: Mailbox) -> None:
    first, second = make_message("Первое письмо"), make_message("Second")
    mailbox.deliver(first)
    mailbox.deliver(second)
    with open_mailbox("imap", imap_config()) as box:
        messages = box.list_messages(["INBOX"])
        assert [m.uid for m in messages] == [1, 2]
        assert all(m.server_id == f"{m.uidvalidity}:{m.uid}" and m.uidvalidity for m in messages)
        assert messages[0].size == len(first)
        assert box.fetch(messages[0]) == first
        assert box.fetch(messages[1]) == second
    assert _seen_flags(mailbox) == [False, False]


def test_messages_in_a_subfolder_are_listed_by_path(imap_config: ConfigFactory, mailbox: Mailbox) -> None:
    mailbox.deliver(make_message("In support"), folder="INBOX/Support")
    mailbox.deliver(make_message("In inbox"))
    with open_mailbox("imap", imap_config(folders=[["INBOX", "Support"]])) as box:
        (message,) = box.list_messages(parse_folder("INBOX\\Support"))
        assert message.folder == ("INBOX", "Support")
        assert b"Subject: In support" in box.fetch(message)


@pytest.mark.parametrize("setting", ["INBOX/Обработанные/2026", "INBOX\\Обработанные\\2026"])
def test_processed_message_moves_to_a_created_folder(
    imap_config: ConfigFactory, mailbox: Mailbox, setting: str
) -> None:
    mailbox.deliver(make_message("Done"))
    mailbox.deliver(make_message("Stays"))
    config = imap_config(processed_folder=list(parse_folder(setting)))
    with open_mailbox("imap", config) as box:
        first, _second = box.list_messages(["INBOX"])
        box.acknowledge(first, outcome="processed")
        assert [m.uid for m in box.list_messages(["INBOX"])] == [2]
    assert _folder_contents(mailbox, "INBOX/Обработанные/2026") == [b"Subject: Done"]
    assert _folder_contents(mailbox, "INBOX") == [b"Subject: Stays"]


def test_error_message_moves_to_the_error_folder(imap_config: ConfigFactory, mailbox: Mailbox) -> None:
    mailbox.deliver(make_message("Broken"))
    mailbox.deliver(make_message("Fine"))
    config = imap_config(processed_folder=["Processed"], error_folder=["Errors"])
    with open_mailbox("imap", config) as box:
        broken, fine = box.list_messages(["INBOX"])
        box.acknowledge(broken, outcome="error")
        box.acknowledge(fine, outcome="processed")
        assert box.list_messages(["INBOX"]) == []
    assert _folder_contents(mailbox, "Errors") == [b"Subject: Broken"]
    assert _folder_contents(mailbox, "Processed") == [b"Subject: Fine"]


def test_without_folders_acknowledged_messages_are_deleted(imap_config: ConfigFactory, mailbox: Mailbox) -> None:
    for subject in ("One", "Two", "Three"):
        mailbox.deliver(make_message(subject))
    with open_mailbox("imap", imap_config()) as box:
        one, two, _three = box.list_messages(["INBOX"])
        box.acknowledge(one, outcome="processed")
        box.acknowledge(two, outcome="error")
    assert _folder_contents(mailbox, "INBOX") == [b"Subject: Three"]


def test_move_without_the_move_capability_copies_and_expunges(imap_config: ConfigFactory, mailbox: Mailbox) -> None:
    mailbox.deliver(make_message("Old server"))
    with open_mailbox("imap", imap_config(processed_folder=["Processed"])) as box:
        assert isinstance(box, ImapMailbox)
        # Pretend to be a server without RFC 6851 MOVE (many Exchange/older servers).
        box.client._cached_capabilities = tuple(c for c in box.client.capabilities() if c != b"MOVE")
        (message,) = box.list_messages(["INBOX"])
        box.acknowledge(message, outcome="processed")
        assert box.list_messages(["INBOX"]) == []
    assert _folder_contents(mailbox, "Processed") == [b"Subject: Old server"]


def test_stale_uidvalidity_is_refused(imap_config: ConfigFactory, mailbox: Mailbox) -> None:
    mailbox.deliver(make_message("Current"))
    with open_mailbox("imap", imap_config()) as box:
        (message,) = box.list_messages(["INBOX"])
        # What a record from before the folder was recreated looks like: same UID, older UIDVALIDITY.
        stale = replace(message, uidvalidity=message.uidvalidity - 1, server_id="stale")
        with pytest.raises(TransportError) as caught:
            box.acknowledge(stale, outcome="processed")
        assert "UIDVALIDITY" in str(caught.value)
        with pytest.raises(TransportError):
            box.fetch(stale)
    assert _folder_contents(mailbox, "INBOX") == [b"Subject: Current"]


def test_size_guard_refuses_a_big_message(imap_config: ConfigFactory, mailbox: Mailbox) -> None:
    mailbox.deliver(make_message("Huge", padding=300_000))
    with open_mailbox("imap", imap_config()) as box:
        (message,) = box.list_messages(["INBOX"])
        with pytest.raises(TransportError) as caught:
            box.fetch(message, max_bytes=100_000)
        assert caught.value.permanent
        assert "100000 byte limit" in str(caught.value)
        assert len(box.fetch(message, max_bytes=1_000_000)) == message.size


def test_missing_scan_folder_is_a_permanent_error(imap_config: ConfigFactory) -> None:
    with open_mailbox("imap", imap_config()) as box:
        with pytest.raises(TransportError) as caught:
            box.list_messages(["INBOX", "Nope"])
    assert caught.value.permanent

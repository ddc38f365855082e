"""Several IMAP messages in one command each way: one UID FETCH for the bodies, one MOVE/EXPUNGE."""

from __future__ import annotations

from dataclasses import replace

from mailconf.protocols.errors import TransportError
from mailconf.protocols.imap import ImapMailbox
from mailconf.protocols.incoming import open_mailbox
from servicedesk.testing.fixtures_mail import Mailbox

from .conftest import ConfigFactory, make_message
from .test_acknowledge_imap import _folder_contents, _seen_flags


def test_fetch_many_returns_every_body_and_refuses_only_the_oversized_one(
    imap_config: ConfigFactory, mailbox: Mailbox
) -> None:
    small, big, other = make_message("Small"), make_message("Big", padding=50_000), make_message("Другое")
    for raw in (small, big, other):
        mailbox.deliver(raw)
    with open_mailbox("imap", imap_config()) as box:
        listed = box.list_messages(["INBOX"])
        # One listed without a size: the mailbox must ask the server before fetching it.
        listed[2] = replace(listed[2], size=None)
        bodies = box.fetch_many(listed, max_bytes=20_000)
    assert bodies[listed[0].server_id] == small and bodies[listed[2].server_id] == other
    refused = bodies[listed[1].server_id]
    assert isinstance(refused, TransportError) and refused.permanent
    assert _seen_flags(mailbox) == [False, False, False]


def test_fetch_many_is_one_command_per_folder(imap_config: ConfigFactory, mailbox: Mailbox, monkeypatch) -> None:
    for n in range(5):
        mailbox.deliver(make_message(f"Message {n}"))
    with open_mailbox("imap", imap_config()) as box:
        assert isinstance(box, ImapMailbox)
        listed = box.list_messages(["INBOX"])
        commands: list[list[int]] = []
        real_fetch = box.client.fetch

        def counting_fetch(uids, data, *args, **kwargs):
            commands.append(list(uids))
            return real_fetch(uids, data, *args, **kwargs)

        monkeypatch.setattr(box.client, "fetch", counting_fetch)
        bodies = box.fetch_many(listed)
    assert commands == [[m.uid for m in listed]]
    assert all(b"Subject: Message" in body for body in bodies.values())


def test_acknowledge_many_moves_or_deletes_them_all(imap_config: ConfigFactory, mailbox: Mailbox) -> None:
    for subject in ("One", "Two", "Three"):
        mailbox.deliver(make_message(subject))
    with open_mailbox("imap", imap_config(processed_folder=["Done"])) as box:
        first, second, third = box.list_messages(["INBOX"])
        box.acknowledge_many([first, second], outcome="processed")
        box.acknowledge_many([third], outcome="error")  # no error folder: deleted
        assert box.list_messages(["INBOX"]) == []
    assert _folder_contents(mailbox, "Done") == [b"Subject: One", b"Subject: Two"]

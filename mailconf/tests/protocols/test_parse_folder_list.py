"""The folder setting parser, the protocol registry and default ports."""

from __future__ import annotations

import pytest

from mailconf.protocols.errors import TransportError
from mailconf.protocols.ews_in import EwsMailbox
from mailconf.protocols.graph_in import GraphMailbox
from mailconf.protocols.imap import ImapConfig, ImapMailbox
from mailconf.protocols.incoming import (
    INCOMING_PROTOCOLS,
    open_mailbox,
    parse_folder,
    parse_folder_list,
)
from mailconf.protocols.pop3 import Pop3Mailbox


def test_both_list_and_both_path_separators_are_understood() -> None:
    text = "INBOX/Support; Входящие\\Заявки,  inbox "
    assert parse_folder_list(text) == [["INBOX", "Support"], ["Входящие", "Заявки"], ["INBOX"]]


def test_blank_entries_and_repeats_are_dropped() -> None:
    assert parse_folder_list(" ;, INBOX/Support;;inbox\\Support ,/ ") == [["INBOX", "Support"]]
    assert parse_folder_list("") == []
    assert parse_folder("  ") is None
    assert parse_folder(" Ошибки \\ Почта ") == ("Ошибки", "Почта")


def test_registry_maps_every_kind_to_its_class() -> None:
    assert INCOMING_PROTOCOLS == {"pop3": Pop3Mailbox, "imap": ImapMailbox, "ews": EwsMailbox, "graph": GraphMailbox}
    assert isinstance(open_mailbox("imap", ImapConfig()), ImapMailbox)
    with pytest.raises(TransportError) as caught:
        open_mailbox("mapi", ImapConfig())
    assert caught.value.permanent


@pytest.mark.parametrize(
    ("cls", "encryption", "port"),
    [
        (Pop3Mailbox, "none", 110),
        (Pop3Mailbox, "ssl", 995),
        (Pop3Mailbox, "starttls", 110),
        (ImapMailbox, "none", 143),
        (ImapMailbox, "ssl", 993),
        (ImapMailbox, "starttls", 143),
    ],
)
def test_default_port_follows_encryption(cls: type, encryption: str, port: int) -> None:
    assert cls(cls.config_class(encryption=encryption)).port == port
    assert cls(cls.config_class(encryption=encryption, port=2525)).port == 2525


def test_outcome_picks_the_configured_folder_or_none() -> None:
    config = ImapConfig(processed_folder=["INBOX", "Done"], error_folder=None)
    assert config.target_folder("processed") == ("INBOX", "Done")
    assert config.target_folder("error") is None
    with pytest.raises(ValueError):
        config.target_folder("spam")  # type: ignore[arg-type]


def test_imap_joins_components_with_the_server_delimiter() -> None:
    mailbox = ImapMailbox(ImapConfig())
    # As discovered by LIST on a Courier/Cyrus-style server.
    mailbox._delimiter = "."
    assert mailbox.server_name(["inbox", "Support", "Заявки"]) == "INBOX.Support.Заявки"

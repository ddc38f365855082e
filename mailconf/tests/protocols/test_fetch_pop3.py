"""POP3 against the real Dovecot: encryption modes, UIDL identities, deletion only at QUIT."""

from __future__ import annotations

import socket

import pytest

from mailconf.protocols.errors import TransportError
from mailconf.protocols.incoming import open_mailbox
from servicedesk.testing.fixtures_mail import Mailbox

from .conftest import ConfigFactory, make_message


def _uidls(config_factory: ConfigFactory) -> list[str]:
    with open_mailbox("pop3", config_factory()) as box:
        return [m.server_id for m in box.list_messages(["INBOX"])]


@pytest.mark.parametrize("encryption", ["none", "starttls", "ssl"])
def test_list_and_fetch_with_each_encryption(pop3_config: ConfigFactory, mailbox: Mailbox, encryption: str) -> None:
    raw = make_message("Нужна помощь", "Строка\r\n.начинается с точки")
    mailbox.deliver(raw)
    with open_mailbox("pop3", pop3_config(encryption=encryption)) as box:
        assert "Dovecot" in box.check()
        (message,) = box.list_messages(["INBOX"])
        assert message.size == len(raw)
        # Dot-stuffing undone and CRLF line ends kept: the bytes are the message as delivered.
        assert box.fetch(message) == raw


def test_uidl_is_stable_across_sessions(pop3_config: ConfigFactory, mailbox: Mailbox) -> None:
    mailbox.deliver(make_message("A"))
    mailbox.deliver(make_message("B"))
    first = _uidls(pop3_config)
    assert len(set(first)) == 2
    assert _uidls(pop3_config) == first


def test_processed_message_is_deleted_only_at_quit(pop3_config: ConfigFactory, mailbox: Mailbox) -> None:
    mailbox.deliver(make_message("Handled"))
    mailbox.deliver(make_message("Next"))
    with open_mailbox("pop3", pop3_config()) as box:
        handled, following = box.list_messages(["INBOX"])
        box.acknowledge(handled, outcome="processed")
        # Another session still sees it: DELE is only a mark until QUIT.
        assert handled.server_id in _uidls(pop3_config)
        assert [m.server_id for m in box.list_messages(["INBOX"])] == [following.server_id]
    assert _uidls(pop3_config) == [following.server_id]


def test_error_outcome_leaves_the_message_on_the_server(pop3_config: ConfigFactory, mailbox: Mailbox) -> None:
    mailbox.deliver(make_message("Unparseable"))
    with open_mailbox("pop3", pop3_config(error_folder=["Errors"])) as box:
        (message,) = box.list_messages(["INBOX"])
        box.acknowledge(message, outcome="error")
    assert _uidls(pop3_config) == [message.server_id]


def test_broken_session_commits_no_deletion(pop3_config: ConfigFactory, mailbox: Mailbox) -> None:
    mailbox.deliver(make_message("Keep me"))
    with pytest.raises(RuntimeError), open_mailbox("pop3", pop3_config()) as box:
        (message,) = box.list_messages(["INBOX"])
        box.acknowledge(message, outcome="processed")
        box.pop.sock.shutdown(socket.SHUT_RDWR)  # the connection dies before QUIT
        raise RuntimeError("worker crashed")
    assert _uidls(pop3_config) == [message.server_id]


def test_size_guard_refuses_a_big_message(pop3_config: ConfigFactory, mailbox: Mailbox) -> None:
    mailbox.deliver(make_message("Huge", padding=200_000))
    with open_mailbox("pop3", pop3_config()) as box:
        (message,) = box.list_messages(["INBOX"])
        with pytest.raises(TransportError) as caught:
            box.fetch(message, max_bytes=50_000)
        assert caught.value.permanent


def test_only_the_inbox_exists(pop3_config: ConfigFactory) -> None:
    with open_mailbox("pop3", pop3_config()) as box, pytest.raises(TransportError) as caught:
        box.list_messages(["INBOX", "Support"])
    assert caught.value.permanent


def test_wrong_password_and_untrusted_certificate_are_permanent(pop3_config: ConfigFactory) -> None:
    for config in (pop3_config(password="wrong"), pop3_config(encryption="starttls", ca_file=None)):
        with pytest.raises(TransportError) as caught:
            open_mailbox("pop3", config).check()
        assert caught.value.permanent


def test_xoauth2_login(pop3_config: ConfigFactory, mailbox: Mailbox) -> None:
    mailbox.server.add_oauth_token(mailbox.login, "pop-access-token")
    mailbox.deliver(make_message("Via OAuth"))
    with open_mailbox("pop3", pop3_config(password="", oauth2=True, token_provider=lambda: "pop-access-token")) as box:
        assert len(box.list_messages(["INBOX"])) == 1
    with pytest.raises(TransportError) as caught:
        open_mailbox("pop3", pop3_config(password="", oauth2=True, token_provider=lambda: "stale")).check()
    assert caught.value.permanent


def test_lines_longer_than_poplibs_limit_are_fetched(pop3_config: ConfigFactory, mailbox: Mailbox) -> None:
    # Unfolded HTML in one line is common in real mail although RFC 5322 says 998 characters.
    html = ("<p>" + "слово " * 2000 + "</p>").encode()
    raw = b"Subject: Long line\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html + b"\r\n"
    assert len(html) > 10_000
    mailbox.deliver(raw)
    with open_mailbox("pop3", pop3_config()) as box:
        (message,) = box.list_messages(["INBOX"])
        assert box.fetch(message) == raw

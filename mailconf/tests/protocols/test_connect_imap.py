"""Connecting and authenticating to the real Dovecot over IMAP: encryption modes, trust, failures."""

from __future__ import annotations

import pytest

from mailconf.protocols.errors import TransportError
from mailconf.protocols.incoming import open_mailbox
from servicedesk.testing.fixtures_mail import Mailbox

from .conftest import ConfigFactory


@pytest.mark.parametrize("encryption", ["none", "starttls", "ssl"])
def test_check_logs_in_with_each_encryption(imap_config: ConfigFactory, encryption: str) -> None:
    summary = open_mailbox("imap", imap_config(encryption=encryption)).check()
    assert "Dovecot" in summary
    # Capabilities after login include what only an authenticated session advertises.
    assert "MOVE" in summary and "IDLE" in summary


@pytest.mark.parametrize("encryption", ["starttls", "ssl"])
def test_self_signed_certificate_is_refused_without_the_ca_file(imap_config: ConfigFactory, encryption: str) -> None:
    with pytest.raises(TransportError) as caught:
        open_mailbox("imap", imap_config(encryption=encryption, ca_file=None)).check()
    assert caught.value.permanent
    assert "certificate could not be verified" in str(caught.value)


def test_verification_can_be_turned_off(imap_config: ConfigFactory) -> None:
    assert "Dovecot" in open_mailbox("imap", imap_config(ca_file=None, verify_certificate=False)).check()


def test_wrong_password_is_a_permanent_error_with_the_server_text(imap_config: ConfigFactory) -> None:
    with pytest.raises(TransportError) as caught:
        open_mailbox("imap", imap_config(password="not-the-password")).check()
    assert caught.value.permanent
    assert "AUTHENTICATIONFAILED" in str(caught.value)
    assert "not-the-password" not in str(caught.value)


def test_tls_spoken_to_the_plain_port_is_a_settings_error(imap_config: ConfigFactory, mailbox: Mailbox) -> None:
    with pytest.raises(TransportError) as caught:
        open_mailbox("imap", imap_config(encryption="ssl", port=mailbox.server.imap_port)).check()
    assert caught.value.permanent


def test_closed_port_is_a_temporary_error(imap_config: ConfigFactory) -> None:
    with pytest.raises(TransportError) as caught:
        open_mailbox("imap", imap_config(encryption="none", port=1)).check()
    assert not caught.value.permanent


def test_xoauth2_login_with_a_token_from_the_provider(imap_config: ConfigFactory, mailbox: Mailbox) -> None:
    mailbox.server.add_oauth_token(mailbox.login, "imap-access-token")
    config = imap_config(password="", oauth2=True, token_provider=lambda: "imap-access-token")
    with open_mailbox("imap", config) as box:
        assert box.list_messages(["INBOX"]) == []
    with pytest.raises(TransportError) as caught:
        open_mailbox("imap", imap_config(password="", oauth2=True, token_provider=lambda: "expired")).check()
    assert caught.value.permanent

"""The SMTP transport against the real test servers: encryption modes, logins, certificates, ports."""

from __future__ import annotations

import pytest

from mailconf.protocols.errors import TransportError
from mailconf.protocols.outgoing import Envelope
from mailconf.protocols.smtp import SmtpConfig, SmtpTransport, default_port
from servicedesk.testing.mailservers.smtp import DEFAULT_SMTP_USERS, SmtpServer, SmtpServers

PASSWORD = DEFAULT_SMTP_USERS["mailer"]
RAW = b"From: desk@example.test\r\nTo: a@example.test\r\nSubject: hi\r\n\r\nbody\r\n"


def send_one(cfg: SmtpConfig) -> None:
    with SmtpTransport(cfg) as transport:
        result = transport.send(Envelope("desk@example.test", ["a@example.test"], RAW))
    assert result.accepted == ["a@example.test"] and not result.refused


def test_plain(smtp: SmtpServers) -> None:
    send_one(SmtpConfig(host=smtp.plain.host, port=smtp.plain.port, encryption="none"))
    (received,) = smtp.plain.wait_for_messages(1)
    assert received.rcpt_tos == ["a@example.test"] and received.raw.endswith(b"body\r\n")


def authenticated(server: SmtpServer, encryption: str, **overrides: object) -> SmtpConfig:
    """A config logging in as "mailer" to `server`; tests override only what they are about."""
    fields: dict[str, object] = {
        "host": server.host,
        "port": server.port,
        "encryption": encryption,
        "auth": True,
        "login": "mailer",
        "password": PASSWORD,
    }
    return SmtpConfig(**{**fields, **overrides})


def test_starttls_with_auth(smtp: SmtpServers) -> None:
    send_one(authenticated(smtp.starttls, "starttls", ca_file=str(smtp.cert_path)))
    assert smtp.starttls.wait_for_messages(1)[0].login == "mailer"


def test_implicit_tls_with_auth(smtp: SmtpServers) -> None:
    send_one(authenticated(smtp.tls, "ssl", ca_file=str(smtp.cert_path)))
    assert smtp.tls.wait_for_messages(1)[0].login == "mailer"


def test_ssl_prefix_means_implicit_tls_whatever_the_encryption_field(smtp: SmtpServers) -> None:
    cfg = authenticated(smtp.tls, "none", host=f"ssl://{smtp.tls.host}", ca_file=str(smtp.cert_path))
    assert cfg.effective_encryption == "ssl" and cfg.effective_host == smtp.tls.host
    send_one(cfg)
    assert len(smtp.tls.wait_for_messages(1)) == 1
    assert SmtpConfig(host="ssl://smtp.example.test").effective_port == 465


def test_default_ports_per_encryption() -> None:
    assert (default_port("ssl"), default_port("starttls"), default_port("none")) == (465, 587, 587)
    assert SmtpConfig(host="h", encryption="starttls").effective_port == 587


def test_wrong_password_is_a_permanent_authentication_error(smtp: SmtpServers) -> None:
    with pytest.raises(TransportError) as caught:
        SmtpTransport(authenticated(smtp.auth, "none", password="wrong")).check()
    assert caught.value.permanent and "535" in caught.value.message
    assert "wrong" not in caught.value.message


def test_self_signed_certificate_refused_when_verifying(smtp: SmtpServers) -> None:
    with pytest.raises(TransportError) as caught:
        SmtpTransport(authenticated(smtp.tls, "ssl", verify_certificate=True)).check()
    assert "certificate" in caught.value.message
    # Turning verification off is what the switch is for: self-signed servers.
    SmtpTransport(authenticated(smtp.tls, "ssl", verify_certificate=False)).check()


def test_starttls_certificate_also_verified(smtp: SmtpServers) -> None:
    with pytest.raises(TransportError, match="certificate"):
        SmtpTransport(authenticated(smtp.starttls, "starttls")).check()


def test_server_down_is_temporary(smtp: SmtpServers) -> None:
    smtp.plain.down()
    with pytest.raises(TransportError) as caught:
        SmtpTransport(SmtpConfig(host=smtp.plain.host, port=smtp.plain.port, encryption="none", timeout=5)).check()
    assert not caught.value.permanent and "cannot connect" in caught.value.message


def test_port_25_refused_unless_allowed(smtp: SmtpServers) -> None:
    with pytest.raises(TransportError) as caught:
        SmtpTransport(SmtpConfig(host="127.0.0.1", port=25, encryption="starttls")).check()
    assert caught.value.permanent and "Port 25" in caught.value.message
    allowed = SmtpConfig(host="127.0.0.1", port=25, encryption="none", allow_port_25=True, timeout=2)
    with pytest.raises(TransportError) as caught:
        SmtpTransport(allowed).check()
    assert "Port 25" not in caught.value.message


def test_one_recipient_refused_out_of_three(smtp: SmtpServers) -> None:
    smtp.plain.reject_recipient("bad@example.test")
    with SmtpTransport(SmtpConfig(host=smtp.plain.host, port=smtp.plain.port, encryption="none")) as transport:
        result = transport.send(
            Envelope("desk@example.test", ["a@example.test", "bad@example.test", "c@example.test"], RAW)
        )
    assert result.accepted == ["a@example.test", "c@example.test"]
    assert result.refused["bad@example.test"].permanent and "550" in result.refused["bad@example.test"].message
    assert smtp.plain.wait_for_messages(1)[0].rcpt_tos == ["a@example.test", "c@example.test"]


def test_5xx_after_data_is_permanent_and_4xx_temporary(smtp: SmtpServers) -> None:
    cfg = SmtpConfig(host=smtp.plain.host, port=smtp.plain.port, encryption="none")
    with SmtpTransport(cfg) as transport:
        smtp.plain.fail_next(1, code=554, text="5.7.1 spam")
        with pytest.raises(TransportError) as caught:
            transport.send(Envelope("desk@example.test", ["a@example.test"], RAW))
        assert caught.value.permanent and "554 5.7.1 spam" in caught.value.message
        smtp.plain.fail_next(1, code=451, text="4.3.0 later")
        with pytest.raises(TransportError) as caught:
            transport.send(Envelope("desk@example.test", ["a@example.test"], RAW))
        assert not caught.value.permanent
        # The same connection is still usable after both refusals.
        transport.send(Envelope("desk@example.test", ["a@example.test"], RAW))
    assert len(smtp.plain.wait_for_messages(1)) == 1

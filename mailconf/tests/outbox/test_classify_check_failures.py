""" "Check" is not a port scanner (issue 11, point 24): a failed check says what kind of failure it
was — refused, timed out, TLS failed, not an SMTP/IMAP/POP3 server, authentication failed — in the
reader's language, never the remote's own text; the full detail goes to the server log."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from mailconf.connections import check_connection
from mailconf.models import IncomingConnection, OutgoingConnection
from servicedesk.testing.banner import BannerServer, closed_port

pytestmark = pytest.mark.django_db
SECRET_BANNER = b"SSH-2.0-SecretBanner_9000 build 77\r\n"  # what an SSH server says first


@pytest.fixture
def banner() -> Iterator[BannerServer]:
    with BannerServer(SECRET_BANNER) as server:
        yield server


@pytest.fixture
def silent() -> Iterator[BannerServer]:
    with BannerServer(None) as server:
        yield server


@pytest.fixture
def quick(settings) -> None:
    settings.MAIL_TIMEOUT = 1


def _smtp(port: int, **fields: object) -> OutgoingConnection:
    conn = OutgoingConnection.load()
    conn.protocol, conn.host, conn.port, conn.encryption = "smtp", "127.0.0.1", port, "none"
    conn.from_address, conn.reply_to, conn.sender_name = "desk@example.test", "help@example.test", "Desk"
    for name, value in fields.items():
        setattr(conn, name, value)
    conn.save()
    return conn


def _mailbox(protocol: str, port: int) -> IncomingConnection:
    conn = IncomingConnection(name=protocol, protocol=protocol, host="127.0.0.1", port=port, encryption="none")
    conn.login = "user@example.test"
    conn.password = "pw"
    conn.save()
    return conn


def test_not_an_smtp_server_without_its_banner(banner: BannerServer, quick: None, caplog) -> None:
    caplog.set_level(logging.INFO, logger="mailconf")
    conn = _smtp(banner.port)
    outcome = check_connection(conn)
    assert not outcome.ok
    assert outcome.text == "The server on that port does not speak SMTP."
    conn.refresh_from_db()
    assert "SecretBanner" not in conn.last_error and conn.last_error_reason == "not_server"
    assert "SecretBanner" in caplog.text  # the server log keeps the detail


@pytest.mark.parametrize("protocol", ["imap", "pop3"])
def test_not_an_imap_or_pop3_server(banner: BannerServer, quick: None, protocol: str) -> None:
    conn = _mailbox(protocol, banner.port)
    outcome = check_connection(conn)
    assert not outcome.ok and "does not speak" in outcome.text and "SecretBanner" not in outcome.text
    conn.refresh_from_db()
    assert conn.last_error_reason == "not_server" and "SecretBanner" not in conn.last_error


@pytest.mark.parametrize("protocol", ["smtp", "imap", "pop3"])
def test_refused(quick: None, protocol: str) -> None:
    port = closed_port()
    conn = _smtp(port) if protocol == "smtp" else _mailbox(protocol, port)
    outcome = check_connection(conn)
    assert outcome.text == "The connection was refused: nothing answers on that port."


@pytest.mark.parametrize("protocol", ["smtp", "imap", "pop3"])
def test_timed_out(silent: BannerServer, quick: None, protocol: str) -> None:
    conn = _smtp(silent.port) if protocol == "smtp" else _mailbox(protocol, silent.port)
    assert check_connection(conn).text == "The server did not answer in time."


def test_tls_failed(smtp, quick: None) -> None:
    conn = _smtp(smtp.plain.port, encryption="ssl")
    assert check_connection(conn).text == "The TLS handshake failed: check the port and the encryption."


def test_authentication_failed(smtp, quick: None) -> None:
    conn = _smtp(smtp.auth.port, auth=True, login="mailer")
    conn.password = "not-the-password"
    conn.save()
    outcome = check_connection(conn)
    assert outcome.text.startswith("Authentication failed") and "535" not in outcome.text
    conn.refresh_from_db()
    assert "535" in conn.last_error  # the card's detail: a real SMTP server's reply to our login


def test_russian_outcome_and_card(banner: BannerServer, quick: None, client: Client, django_user_model) -> None:
    conn = _smtp(banner.port)
    with translation.override("ru"):
        outcome = check_connection(conn)
    assert outcome.text == "Сервер на этом порту не отвечает по протоколу SMTP."
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.test", "pw"))
    page = client.get(
        reverse("admin:mailconf_outgoingconnection_change", args=[conn.pk]), HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()
    assert "Сервер на этом порту не отвечает по протоколу SMTP." in page and "SecretBanner" not in page
    page = client.get(
        reverse("admin:mailconf_outgoingconnection_change", args=[conn.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "does not speak SMTP" in page and "Сервер на этом порту" not in page

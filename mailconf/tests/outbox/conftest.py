"""Fixtures for the outgoing-mail tests: the connection pointed at one of the real test SMTP servers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from mailconf.models import OutgoingConnection
from servicedesk.testing.mailservers.smtp import DEFAULT_SMTP_USERS, SmtpServer, SmtpServers

from .fakes import FakeAzureAd, FakeEws, FakeGraph

SEND_PARAMETERS = {"from_address": "desk@example.test", "reply_to": "help@example.test", "sender_name": "Service Desk"}
ENCRYPTION = {"none": "none", "starttls": "starttls", "tls": "ssl"}


def point_at(server: SmtpServer, **overrides: Any) -> OutgoingConnection:
    """Make the outgoing connection use `server` (with the right encryption and login), plus overrides."""
    conn = OutgoingConnection.load()
    conn.protocol = "smtp"
    conn.host = server.host
    conn.port = server.port
    conn.encryption = ENCRYPTION[server.security]
    conn.auth = server.requires_auth
    conn.login = "mailer" if server.requires_auth else ""
    conn.password = DEFAULT_SMTP_USERS["mailer"] if server.requires_auth else ""
    for name, value in {**SEND_PARAMETERS, **overrides}.items():
        setattr(conn, name, value)
    conn.save()
    return conn


@pytest.fixture
def trust_test_ca(settings: Any, smtp_servers: SmtpServers) -> None:
    """Trust the test servers' self-signed certificate (as a private CA would be trusted)."""
    settings.MAIL_CA_FILE = str(smtp_servers.cert_path)


@pytest.fixture
def fast_retries(settings: Any) -> None:
    settings.MAIL_RETRY_BASE_SECONDS = 0
    settings.MAIL_RETRY_MAX_SECONDS = 0


@pytest.fixture
def outgoing(smtp: SmtpServers, trust_test_ca: None) -> Callable[..., OutgoingConnection]:
    """`outgoing(server=None, **overrides)`: the connection aimed at `server` (default: the plain one)."""

    def configure(server: SmtpServer | None = None, **overrides: Any) -> OutgoingConnection:
        return point_at(server or smtp.plain, **overrides)

    return configure


@pytest.fixture
def azure_ad(settings: Any, mail_tls_cert: Any) -> Iterator[FakeAzureAd]:
    fake = FakeAzureAd(mail_tls_cert.server_context())
    settings.MAIL_OAUTH_AUTHORITY_HOST = fake.base_url
    settings.MAIL_CA_FILE = str(mail_tls_cert.cert_path)
    yield fake
    fake.stop()


@pytest.fixture
def graph(settings: Any, azure_ad: FakeAzureAd) -> Iterator[FakeGraph]:
    fake = FakeGraph(valid_tokens=azure_ad.issued)
    settings.MAIL_GRAPH_URL = fake.base_url
    yield fake
    fake.stop()


@pytest.fixture
def ews(azure_ad: FakeAzureAd) -> Iterator[FakeEws]:
    fake = FakeEws(users={"DOMAIN\\mailer": "ews-Pass-1"}, tokens=azure_ad.issued)
    yield fake
    fake.stop()


def oauth_connection(protocol: str, **overrides: Any) -> OutgoingConnection:
    conn = OutgoingConnection.load()
    conn.protocol, conn.oauth2 = protocol, True
    conn.client_id, conn.tenant_id, conn.client_secret = "app-id", "tenant-1", "client-Secret-1"
    for name, value in {**SEND_PARAMETERS, **overrides}.items():
        setattr(conn, name, value)
    conn.save()
    return conn

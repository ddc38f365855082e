"""Fixtures for the incoming-mail protocol tests: configs for the real Dovecot, the Graph and EWS fakes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from email.message import EmailMessage
from typing import Any

import pytest

from mailconf.protocols.ews_in import EwsMailboxConfig
from mailconf.protocols.graph_in import GraphMailboxConfig
from mailconf.protocols.imap import ImapConfig
from mailconf.protocols.incoming import MailboxConfig
from mailconf.protocols.pop3 import Pop3Config
from servicedesk.testing.fixtures_mail import Mailbox
from servicedesk.testing.mailservers import TlsCert

from .fake_ews import FakeEws
from .fake_graph import FakeGraph

ConfigFactory = Callable[..., MailboxConfig]


def make_message(subject: str = "Printer on fire", body: str = "Please help.", *, padding: int = 0) -> bytes:
    """A small real RFC 822 message; ``padding`` adds that many bytes of body text."""
    msg = EmailMessage()
    msg["From"] = "Иван Петров <ivan@client.test>"
    msg["To"] = "support@example.test"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{abs(hash(subject))}@client.test>"
    msg.set_content(body + ("x" * 76 + "\n") * (padding // 77))
    return msg.as_bytes().replace(b"\n", b"\r\n")


@pytest.fixture
def imap_config(mailbox: Mailbox, mail_tls_cert: TlsCert) -> ConfigFactory:
    """IMAP settings for the emptied "support" mailbox; keyword arguments override fields."""

    def build(**overrides: Any) -> ImapConfig:
        encryption = overrides.get("encryption", "ssl")
        port = mailbox.server.imaps_port if encryption == "ssl" else mailbox.server.imap_port
        values: dict[str, Any] = {
            "host": mailbox.server.host,
            "port": port,
            "encryption": encryption,
            "ca_file": str(mail_tls_cert.cert_path),
            "login": mailbox.login,
            "password": mailbox.password,
            "timeout": 10.0,
        }
        return ImapConfig(**(values | overrides))

    return build


@pytest.fixture
def pop3_config(mailbox: Mailbox, mail_tls_cert: TlsCert) -> ConfigFactory:
    def build(**overrides: Any) -> Pop3Config:
        encryption = overrides.get("encryption", "ssl")
        port = mailbox.server.pop3s_port if encryption == "ssl" else mailbox.server.pop3_port
        values: dict[str, Any] = {
            "host": mailbox.server.host,
            "port": port,
            "encryption": encryption,
            "ca_file": str(mail_tls_cert.cert_path),
            "login": mailbox.login,
            "password": mailbox.password,
            "timeout": 10.0,
        }
        return Pop3Config(**(values | overrides))

    return build


@pytest.fixture(scope="session")
def graph_server() -> Iterator[FakeGraph]:
    server = FakeGraph()
    yield server
    server.stop()


@pytest.fixture
def graph(graph_server: FakeGraph) -> FakeGraph:
    graph_server.reset()
    return graph_server


@pytest.fixture
def graph_config(graph: FakeGraph) -> ConfigFactory:
    def build(**overrides: Any) -> GraphMailboxConfig:
        values: dict[str, Any] = {
            "login": graph.state.user,
            "oauth2": True,
            "token_provider": lambda: graph.state.token,
            "graph_base_url": graph.base_url,
            "timeout": 10.0,
        }
        return GraphMailboxConfig(**(values | overrides))

    return build


@pytest.fixture(scope="session")
def ews_server(mail_tls_cert: TlsCert) -> Iterator[FakeEws]:
    # HTTPS with the test CA, as on-premises Exchange usually runs with an internal certificate.
    server = FakeEws(tls=mail_tls_cert.server_context())
    yield server
    server.stop()


@pytest.fixture
def ews(ews_server: FakeEws) -> FakeEws:
    ews_server.reset()
    return ews_server


@pytest.fixture
def ews_config(ews: FakeEws, mail_tls_cert: TlsCert) -> ConfigFactory:
    def build(**overrides: Any) -> EwsMailboxConfig:
        values: dict[str, Any] = {
            "login": ews.state.login,
            "password": ews.state.password,
            "ews_url": ews.url,
            "ca_file": str(mail_tls_cert.cert_path),
            "timeout": 10.0,
        }
        return EwsMailboxConfig(**(values | overrides))

    return build

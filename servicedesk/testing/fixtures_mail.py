"""Pytest fixtures for real mail servers (registered in the root conftest's ``pytest_plugins``).

- ``mail_tls_cert`` (session): the self-signed certificate every test server presents.
- ``dovecot`` (session): a private Dovecot with IMAP/IMAPS/POP3/POP3S and the default users.
- ``mailbox`` (function): empties every Dovecot mailbox, returns the "support" one.
- ``smtp_servers`` (session) / ``smtp`` (function, reset first): four aiosmtpd servers.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from servicedesk.testing.mailservers import (
    Dovecot,
    SmtpServers,
    TlsCert,
    generate_cert,
    start_dovecot,
    start_smtp_servers,
)


@dataclass(frozen=True)
class Mailbox:
    """One Dovecot user's (freshly emptied) mailbox and how to reach it."""

    server: Dovecot
    login: str
    password: str

    @property
    def address(self) -> str:
        return self.server.address(self.login)

    def deliver(self, raw: bytes, folder: str = "INBOX", *, seen: bool = False) -> Path:
        return self.server.deliver(self.login, raw, folder, seen=seen)


def pytest_configure(config: pytest.Config) -> None:
    # aiosmtpd warns on every connection to a server that takes AUTH without STARTTLS; the plain
    # AUTH server exists precisely to test that setup, and the implicit-TLS one is encrypted anyway.
    config.addinivalue_line("filterwarnings", "ignore:Requiring AUTH while not requiring TLS:UserWarning")


@pytest.fixture(scope="session")
def mail_tls_cert() -> Iterator[TlsCert]:
    directory = Path(tempfile.mkdtemp(prefix="sd-mail-tls-"))
    # Dovecot's unprivileged processes may need to traverse here; the key itself stays 0600.
    directory.chmod(0o755)
    yield generate_cert(directory)
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def dovecot(mail_tls_cert: TlsCert) -> Iterator[Dovecot]:
    server = start_dovecot(cert=mail_tls_cert)
    yield server
    server.stop()
    shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture
def mailbox(dovecot: Dovecot) -> Mailbox:
    dovecot.reset_all()
    return Mailbox(server=dovecot, login="support", password=dovecot.users["support"])


@pytest.fixture(scope="session")
def smtp_servers(mail_tls_cert: TlsCert) -> Iterator[SmtpServers]:
    servers = start_smtp_servers(mail_tls_cert)
    yield servers
    servers.stop()


@pytest.fixture
def smtp(smtp_servers: SmtpServers) -> SmtpServers:
    smtp_servers.reset()
    return smtp_servers

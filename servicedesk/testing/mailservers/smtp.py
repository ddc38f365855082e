"""Real SMTP servers (aiosmtpd) on loopback for tests: plain, AUTH, STARTTLS and implicit TLS.

Every server records what it accepted and can be scripted to refuse recipients, fail
transactions with 4xx/5xx, drop connections or go down, so delivery code meets real protocol
behaviour instead of mocks.
"""

from __future__ import annotations

import asyncio
import base64
import email
import email.policy
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from .certs import TlsCert
from .net import LOOPBACK, free_ports
from .smtp_script import DROP, SmtpScript

if TYPE_CHECKING:
    from .dovecot import Dovecot

DEFAULT_SMTP_USERS = {"mailer": "mailer-Pass-1", "support": "support-Pass-1"}
SECURITY_NONE, SECURITY_STARTTLS, SECURITY_TLS = "none", "starttls", "tls"


@dataclass(frozen=True)
class ReceivedMessage:
    """One accepted transaction as the server saw it."""

    server: str
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    login: str | None

    def parsed(self) -> EmailMessage:
        message = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        return message


class SmtpServer:
    """One listening aiosmtpd server; ``host``/``port`` stay the same across ``down()``/``up()``."""

    def __init__(
        self,
        name: str,
        *,
        security: str,
        requires_auth: bool,
        cert: TlsCert,
        users: dict[str, str],
        oauth_tokens: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        # Bearer tokens accepted by XOAUTH2 (token -> login), shared by the servers like `users`.
        self.oauth_tokens = oauth_tokens if oauth_tokens is not None else {}
        self.host = LOOPBACK
        self.port = free_ports(1)[0]
        self.security = security
        # Not "auth_required": aiosmtpd treats handler attributes named auth_* as SASL mechanisms.
        self.requires_auth = requires_auth
        self.cert_path = cert.cert_path
        self.users = users
        self.script = SmtpScript()
        self._cert = cert
        self._lock = threading.Lock()
        self._messages: list[ReceivedMessage] = []
        self._dovecot: Dovecot | None = None
        self._controller: Controller | None = None

    # --- what was received ---------------------------------------------------------------------

    @property
    def messages(self) -> list[ReceivedMessage]:
        """A snapshot of accepted messages, oldest first."""
        with self._lock:
            return list(self._messages)

    def wait_for_messages(self, count: int, timeout: float = 5.0) -> list[ReceivedMessage]:
        """Wait (bounded) until at least ``count`` messages arrived; AssertionError otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            received = self.messages
            if len(received) >= count:
                return received
            time.sleep(0.02)
        raise AssertionError(f"{self.name}: expected {count} message(s), got {len(self.messages)}")

    # --- scripted behaviour --------------------------------------------------------------------

    def reject_recipient(self, address: str, code: int = 550, text: str = "5.1.1 Mailbox unavailable") -> None:
        """Refuse RCPT TO:<address> (case-insensitive) until reset."""
        self.script.reject_recipient(address, f"{code} {text}")

    def fail_next(
        self, count: int = 1, code: int = 451, text: str = "4.3.0 Try again later", stage: str = "data"
    ) -> None:
        """Answer ``code`` at MAIL FROM ("mail") or after DATA ("data") for the next ``count`` transactions."""
        self.script.plan(stage, count, f"{code} {text}")

    def reject_message(self, containing: bytes | str, code: int = 554, text: str = "5.7.1 Message rejected") -> None:
        """Refuse after DATA any message whose raw bytes contain ``containing``, until reset."""
        needle = containing.encode() if isinstance(containing, str) else containing
        self.script.reject_content(needle, f"{code} {text}")

    def drop_next(self, count: int = 1, stage: str = "data") -> None:
        """Close the connection without a reply at MAIL FROM or after DATA, for ``count`` transactions."""
        self.script.plan(stage, count, DROP)

    def deliver_to(self, dovecot: Dovecot | None) -> None:
        """Also file accepted mail into Dovecot INBOXes (recipient local part = Dovecot user); None stops."""
        self._dovecot = dovecot

    def reset(self) -> None:
        """Forget messages and behaviours, stop Dovecot delivery, and make sure the server is up."""
        with self._lock:
            self._messages.clear()
        self.script.clear()
        self._dovecot = None
        if not self.is_up:
            self.up()

    # --- lifecycle -----------------------------------------------------------------------------

    @property
    def is_up(self) -> bool:
        return self._controller is not None

    def up(self) -> None:
        if self._controller is None:
            self._controller = self._make_controller()
            self._controller.start()

    def down(self) -> None:
        """Stop listening: connections are refused until ``up()``."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    stop = down

    def __repr__(self) -> str:
        return f"<SmtpServer {self.name} {self.host}:{self.port} security={self.security} auth={self.requires_auth}>"

    # --- aiosmtpd hooks (run in the server's loop thread) --------------------------------------

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, mail_options: list[str]
    ) -> str:
        reply = self.script.on_mail()
        if reply is not None:
            return self._refuse(server, reply)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        reply = self.script.on_rcpt(address)
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        assert isinstance(raw, bytes)
        reply = self.script.on_data(raw)
        if reply is not None:
            return self._refuse(server, reply)
        login = session.auth_data if isinstance(session.auth_data, str) else None
        received = ReceivedMessage(self.name, envelope.mail_from or "", list(envelope.rcpt_tos), raw, login)
        with self._lock:
            self._messages.append(received)
        self._file_into_dovecot(received)
        return "250 2.0.0 OK queued"

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            login = auth_data.login.decode("utf-8", "replace")
            if self.users.get(login) == auth_data.password.decode("utf-8", "replace"):
                return AuthResult(success=True, auth_data=login)
        return AuthResult(success=False, handled=False)

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:
        """XOAUTH2 (Google/Microsoft SASL): "user=<login>^Aauth=Bearer <token>^A^A", base64."""
        try:
            fields = dict(
                part.split("=", 1) for part in base64.b64decode(args[1]).decode().split("\x01") if "=" in part
            )
        except (IndexError, ValueError):
            return AuthResult(success=False, handled=False)
        token = fields.get("auth", "").removeprefix("Bearer ")
        login = fields.get("user", "")
        if token and self.oauth_tokens.get(token) == login:
            return AuthResult(success=True, auth_data=login)
        return AuthResult(success=False, handled=False)

    def _refuse(self, server: SMTP, reply: str) -> str:
        if reply == DROP:
            assert isinstance(server.transport, asyncio.WriteTransport)
            # abort() discards the reply aiosmtpd still writes, so the client sees a bare disconnect.
            server.transport.abort()
            return "421 4.4.2 Connection dropped"
        return reply

    def _file_into_dovecot(self, received: ReceivedMessage) -> None:
        dovecot = self._dovecot
        if dovecot is None:
            return
        for rcpt in received.rcpt_tos:
            local = rcpt.rsplit("@", 1)[0].lower()
            if local in dovecot.users:
                dovecot.deliver(local, received.raw)

    def _make_controller(self) -> Controller:
        options: dict[str, Any] = {"hostname": self.host, "port": self.port, "ident": f"servicedesk-test {self.name}"}
        if self.requires_auth:
            # aiosmtpd only knows about TLS it negotiated itself (STARTTLS); on the implicit-TLS
            # server the socket is already encrypted, so requiring TLS there would hide AUTH.
            options.update(
                authenticator=self._authenticate,
                auth_required=True,
                auth_require_tls=self.security == SECURITY_STARTTLS,
            )
        if self.security == SECURITY_STARTTLS:
            options.update(tls_context=self._cert.server_context(), require_starttls=True)
        elif self.security == SECURITY_TLS:
            options.update(ssl_context=self._cert.server_context())
        return Controller(self, **options)


@dataclass
class SmtpServers:
    """The four test servers; they share one user table and one certificate (``cert_path``)."""

    plain: SmtpServer  # no TLS, no AUTH
    auth: SmtpServer  # no TLS, AUTH PLAIN/LOGIN required
    starttls: SmtpServer  # STARTTLS required, then AUTH required
    tls: SmtpServer  # implicit TLS (SMTPS), AUTH required
    cert_path: Path
    users: dict[str, str] = field(default_factory=dict)
    oauth_tokens: dict[str, str] = field(default_factory=dict)

    def all(self) -> list[SmtpServer]:
        return [self.plain, self.auth, self.starttls, self.tls]

    def add_user(self, login: str, password: str) -> None:
        self.users[login] = password

    def add_oauth_token(self, login: str, token: str) -> None:
        """Accept `token` for `login` over XOAUTH2 on every server."""
        self.oauth_tokens[token] = login

    def deliver_to(self, dovecot: Dovecot | None) -> None:
        for server in self.all():
            server.deliver_to(dovecot)

    def reset(self) -> None:
        """Clear messages and behaviours on every server, restore default users, bring all up."""
        self.users.clear()
        self.users.update(DEFAULT_SMTP_USERS)
        self.oauth_tokens.clear()
        for server in self.all():
            server.reset()

    def stop(self) -> None:
        for server in self.all():
            server.down()


def start_smtp_servers(cert: TlsCert) -> SmtpServers:
    users = dict(DEFAULT_SMTP_USERS)
    tokens: dict[str, str] = {}

    def make(name: str, security: str, auth_required: bool) -> SmtpServer:
        return SmtpServer(
            name, security=security, requires_auth=auth_required, cert=cert, users=users, oauth_tokens=tokens
        )

    servers = SmtpServers(
        plain=make("plain", SECURITY_NONE, False),
        auth=make("auth", SECURITY_NONE, True),
        starttls=make("starttls", SECURITY_STARTTLS, True),
        tls=make("tls", SECURITY_TLS, True),
        cert_path=cert.cert_path,
        users=users,
        oauth_tokens=tokens,
    )
    try:
        for server in servers.all():
            server.up()
    except BaseException:
        servers.stop()
        raise
    return servers

"""POP3 mailboxes through poplib: UIDL identities, STLS or implicit TLS, USER/PASS or AUTH XOAUTH2.

POP3 sees only the inbox and has no folders: a processed message is marked with DELE and the
server removes it when the session ends with QUIT (RFC 1939 section 6); an "error" message stays.
"""

from __future__ import annotations

import base64
import poplib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from .base import CheckReport
from .errors import Reason, TransportError
from .incoming import (
    INBOX,
    INCOMING_PROTOCOLS,
    IncomingMailbox,
    Outcome,
    RemoteMessage,
    ServerMailboxConfig,
    check_size,
    folder_label,
    network_error,
)

DEFAULT_PORTS = {"ssl": 995, "starttls": 110, "none": 110}
# RFC 2449 / RFC 3206 response codes that mean "not now" rather than "wrong credentials".
_TEMPORARY_CODES = ("[IN-USE]", "[LOGIN-DELAY]", "[SYS/TEMP]")
# poplib refuses lines over 2048 bytes, but real mail carries longer ones (unfolded HTML, base64 without
# breaks); the message size guard, not the line length, is what bounds memory.
MAX_LINE_BYTES = 1024 * 1024


class _LongLines:
    """poplib's line reader with a larger limit; the module constant it uses is global to the process."""

    file: Any

    def _getline(self) -> tuple[bytes, int]:
        line = self.file.readline(MAX_LINE_BYTES + 1)
        if len(line) > MAX_LINE_BYTES:
            raise poplib.error_proto("line too long")
        if not line:
            raise poplib.error_proto("-ERR EOF")
        if line[-2:] == b"\r\n":
            return line[:-2], len(line)
        if line[:1] == b"\r":
            return line[1:-1], len(line)
        return line[:-1], len(line)


class _POP3(_LongLines, poplib.POP3):
    """Plain POP3 (optionally upgraded with STLS) with long lines allowed."""


class _POP3SSL(_LongLines, poplib.POP3_SSL):
    """Implicit-TLS POP3 with long lines allowed."""


@dataclass
class Pop3Config(ServerMailboxConfig):
    """A POP3 mailbox: server, port, encryption and login (the folder fields are not used)."""


@INCOMING_PROTOCOLS.register
class Pop3Mailbox(IncomingMailbox[Pop3Config]):
    kind = "pop3"
    card_fields = (
        "host",
        "port",
        "encryption",
        "verify_certificate",
        "login",
        "password",
        "oauth2",
        "client_id",
        "tenant_id",
        "client_secret",
    )
    config_class = Pop3Config
    supports_folders = False

    @classmethod
    def required_settings(cls, *, oauth2: bool, auth: bool) -> tuple[str, ...]:
        return (*super().required_settings(oauth2=oauth2, auth=auth), "host")

    def __init__(self, config: Pop3Config) -> None:
        super().__init__(config)
        self._pop: poplib.POP3 | None = None
        self._marked: set[str] = set()

    @property
    def port(self) -> int:
        return self.config.port or DEFAULT_PORTS[self.config.encryption]

    @property
    def is_open(self) -> bool:
        return self._pop is not None

    def check_report(self) -> CheckReport:
        encrypted = self.config.encryption != "none"
        return CheckReport(
            server=f"{self.config.host}:{self.port}",
            encrypted=encrypted,
            certificate_verified=encrypted and self.config.verify_certificate,
            authenticated=True,
            login=self.config.login,
            oauth2=self.config.oauth2,
        )

    @property
    def pop(self) -> poplib.POP3:
        if self._pop is None:
            raise TransportError("the POP3 mailbox is not open", permanent=False)
        return self._pop

    def open(self) -> None:
        if self._pop is not None:
            return
        config = self.config
        action = f"POP3 connection to {config.host}:{self.port}"
        context = config.ssl_context() if config.encryption != "none" else None
        with self._errors(action, greeting=True):
            if config.encryption == "ssl":
                self._pop = _POP3SSL(config.host, self.port, timeout=config.timeout, context=context)
            else:
                self._pop = _POP3(config.host, self.port, timeout=config.timeout)
        try:
            if config.encryption == "starttls":
                with self._errors(f"{action} (STLS)"):
                    self.pop.stls(context)
            self._login()
        except TransportError:
            self._drop()
            raise

    def _login(self) -> None:
        config = self.config
        with self._errors(f"POP3 login as {config.login}", auth=True):
            if config.oauth2:
                self._xoauth2(config.login, config.access_token())
            else:
                self.pop.user(config.login)
                self.pop.pass_(config.password)

    def _xoauth2(self, login: str, token: str) -> None:
        """AUTH XOAUTH2 with an initial response (RFC 5034); poplib has no SASL API, hence its low-level calls."""
        sasl = f"user={login}\x01auth=Bearer {token}\x01\x01".encode()
        pop: Any = self.pop  # the low-level calls are poplib's own, absent from its type stubs
        reply = pop._shortcmd("AUTH XOAUTH2 " + base64.b64encode(sasl).decode("ascii"))
        if reply.startswith(b"+ ") or reply == b"+":
            # A "+ <base64 JSON>" challenge carries the failure detail; an empty answer ends the exchange.
            pop._putcmd("")
            pop._getresp()

    def close(self) -> None:
        """QUIT, which makes the server delete the messages marked by ``acknowledge``."""
        pop, self._pop = self._pop, None
        marked, self._marked = self._marked, set()
        if pop is None:
            return
        try:
            pop.quit()
        except (poplib.error_proto, OSError) as exc:
            with suppress(OSError):
                pop.close()
            if marked:
                raise TransportError(
                    f"POP3 QUIT failed, {len(marked)} deletion(s) were not committed: {_text(exc)}", permanent=False
                ) from exc

    def _drop(self) -> None:
        pop, self._pop = self._pop, None
        self._marked = set()
        if pop is not None:
            # Closing without QUIT makes the server forget pending DELEs, which is what we want here.
            with suppress(OSError):
                pop.close()

    def summary(self) -> str:
        with self._errors("POP3 CAPA"):
            welcome = self.pop.getwelcome().decode("utf-8", "replace")
            capabilities = " ".join(sorted(self.pop.capa()))
        return f"{welcome}\nCapabilities: {capabilities}"

    def list_messages(self, folder: Sequence[str] = INBOX) -> list[RemoteMessage]:
        path = tuple(folder)
        if [part.upper() for part in path] != ["INBOX"]:
            raise TransportError(f"POP3 can only read the inbox, not {folder_label(path)}", permanent=True)
        with self._errors("POP3 UIDL/LIST"):
            uidls = _numbered(self.pop.uidl()[1])
            sizes = _numbered(self.pop.list()[1])
        messages = []
        for number, uidl in sorted(uidls.items()):
            if uidl in self._marked:
                continue
            size = sizes.get(number)
            messages.append(
                RemoteMessage(server_id=uidl, folder=INBOX, size=int(size) if size else None, handle=number)
            )
        return messages

    def fetch(self, msg: RemoteMessage, *, max_bytes: int | None = None) -> bytes:
        number = self._number(msg)
        check_size(msg, self.size_limit(max_bytes))
        with self._errors(f"POP3 RETR {msg.server_id}"):
            _resp, lines, _octets = self.pop.retr(number)
        # poplib strips line endings and dot-stuffing; rebuild the CRLF message.
        return b"\r\n".join(lines) + b"\r\n"

    def acknowledge(self, msg: RemoteMessage, *, outcome: Outcome) -> None:
        self.config.target_folder(outcome)  # validates the outcome
        if outcome == "error":
            # Without folders the only alternative is deleting a message nobody has handled; keep it.
            return
        number = self._number(msg)
        with self._errors(f"POP3 DELE {msg.server_id}"):
            self.pop.dele(number)
        self._marked.add(msg.server_id)

    def _number(self, msg: RemoteMessage) -> int:
        if not isinstance(msg.handle, int):
            raise TransportError(f"message {msg.server_id} was not listed in this POP3 session", permanent=False)
        return msg.handle

    @contextmanager
    def _errors(self, action: str, *, auth: bool = False, greeting: bool = False) -> Iterator[None]:
        """Map poplib's errors; `greeting`: while connecting, where anything but "+OK" means the
        other side is not a POP3 server."""
        try:
            yield
        except TransportError:
            raise
        except poplib.error_proto as exc:
            text = _text(exc)
            if greeting:
                self._drop()
                raise TransportError(f"{action}: {text}", permanent=False, reason=Reason.NOT_SERVER) from exc
            if text == "-ERR EOF" or not text.startswith("-ERR"):
                # A closed connection, a malformed reply or an over-long line: the session is unusable,
                # and a new one may well work.
                self._drop()
                raise TransportError(f"{action}: {text}", permanent=False, reason=Reason.LOST) from exc
            temporary = any(code in text for code in _TEMPORARY_CODES)
            if auth and not temporary:
                raise TransportError(
                    f"{action}: authentication failed ({text})", permanent=True, reason=Reason.AUTH
                ) from exc
            raise TransportError(f"{action}: {text}", permanent=not temporary, reason=Reason.REJECTED) from exc
        except OSError as exc:
            self._drop()
            raise network_error(exc, action) from exc


def _numbered(lines: list[bytes]) -> dict[int, str]:
    """Parse "<number> <value>" lines of LIST/UIDL."""
    result: dict[int, str] = {}
    for line in lines:
        number, _, value = line.decode("ascii", "replace").partition(" ")
        result[int(number)] = value.strip()
    return result


def _text(exc: BaseException) -> str:
    arg = exc.args[0] if exc.args else exc
    return arg.decode("utf-8", "replace") if isinstance(arg, bytes) else str(arg)

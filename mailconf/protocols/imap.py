"""IMAP4 mailboxes through imapclient: UID-based, BODY.PEEK fetches, MOVE or COPY+EXPUNGE, IDLE."""

from __future__ import annotations

import imaplib
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from typing import Self

from imapclient import DELETED, IMAPClient
from imapclient import exceptions as imap_errors

from .base import CheckReport, ConnectionSettings
from .errors import Reason, TransportError
from .incoming import (
    INCOMING_PROTOCOLS,
    FolderPath,
    IncomingMailbox,
    Outcome,
    RemoteMessage,
    ServerMailboxConfig,
    check_size,
    folder_label,
    network_error,
)

DEFAULT_PORTS = {"ssl": 993, "starttls": 143, "none": 143}
# Response codes (RFC 5530) that mean "try again later" rather than "your request is wrong".
_TEMPORARY_CODES = (b"[UNAVAILABLE]", b"[INUSE]", b"[LIMIT]", b"[SERVERBUG]")
_FETCH_CHUNK = 500
# One UID FETCH carries several bodies; this bounds the bytes held at once (a bigger message goes alone).
_FETCH_BATCH_BYTES = 8 * 1024 * 1024


@dataclass
class ImapConfig(ServerMailboxConfig):
    """An IMAP mailbox; ``idle_renew_seconds`` is how often a waiting IDLE is re-issued."""

    # RFC 2177 asks clients to re-issue IDLE at least every 29 minutes; NAT boxes and some servers drop
    # idle connections much sooner, so we renew well before that. Stored mailboxes renew far more
    # often (MAIL_IDLE_RECHECK_SECONDS): servers delay their announcement (Dovecot by about half a
    # second), but report new mail at once when an IDLE starts.
    idle_renew_seconds: float = 8 * 60

    @classmethod
    def from_settings(cls, settings: ConnectionSettings) -> Self:
        config = super().from_settings(settings)
        config.idle_renew_seconds = settings.idle_recheck_seconds
        return config


@INCOMING_PROTOCOLS.register
class ImapMailbox(IncomingMailbox[ImapConfig]):
    kind = "imap"
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
        "folders",
        "processed_folder",
        "error_folder",
    )
    config_class = ImapConfig
    folders_required = True
    can_idle = True

    @classmethod
    def required_settings(cls, *, oauth2: bool, auth: bool) -> tuple[str, ...]:
        return (*super().required_settings(oauth2=oauth2, auth=auth), "host")

    def __init__(self, config: ImapConfig) -> None:
        super().__init__(config)
        self._client: IMAPClient | None = None
        self._delimiter: str | None = None
        self._selected: str | None = None
        self._uidvalidity: int | None = None
        self._known_folders: set[str] = set()

    # --- connection ----------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self.config.port or DEFAULT_PORTS[self.config.encryption]

    @property
    def is_open(self) -> bool:
        return self._client is not None

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

    def open(self) -> None:
        if self._client is not None:
            return
        config = self.config
        action = f"IMAP connection to {config.host}:{self.port}"
        context = config.ssl_context() if config.encryption != "none" else None
        with self._errors(action, greeting=True):
            client = IMAPClient(
                config.host,
                port=self.port,
                ssl=config.encryption == "ssl",
                ssl_context=context,
                timeout=config.timeout,
            )
        self._client = client
        try:
            if config.encryption == "starttls":
                with self._errors(f"{action} (STARTTLS)"):
                    client.starttls(context)
            self._login(client)
        except TransportError:
            self._drop()
            raise

    def _login(self, client: IMAPClient) -> None:
        config = self.config
        with self._errors(f"IMAP login as {config.login}"):
            if config.oauth2:
                client.oauth2_login(config.login, config.access_token())
            else:
                client.login(config.login, config.password)

    def close(self) -> None:
        client, self._client = self._client, None
        self._selected = None
        if client is None:
            return
        try:
            client.logout()
        except (imaplib.IMAP4.error, OSError):
            # Logging out of a broken connection cannot fail in a way the caller can act on.
            client.shutdown()

    def _drop(self) -> None:
        client, self._client = self._client, None
        self._selected = None
        if client is not None:
            # The socket may already be gone; there is nothing else to release.
            with suppress(OSError):
                client.shutdown()

    @property
    def client(self) -> IMAPClient:
        if self._client is None:
            raise TransportError("the IMAP mailbox is not open", permanent=False)
        return self._client

    def summary(self) -> str:
        with self._errors("IMAP capabilities"):
            welcome = (self.client.welcome or b"").decode("utf-8", "replace").strip()
            capabilities = " ".join(cap.decode("ascii", "replace") for cap in self.client.capabilities())
        return f"{welcome}\nCapabilities: {capabilities}"

    # --- folders -------------------------------------------------------------------------------

    @property
    def delimiter(self) -> str:
        """The server's hierarchy delimiter, from ``LIST "" ""`` (RFC 3501 6.3.8)."""
        if self._delimiter is None:
            with self._errors("IMAP LIST"):
                listing = self.client.list_folders("", "")
            delimiter = listing[0][1] if listing else None
            if isinstance(delimiter, bytes):
                delimiter = delimiter.decode("ascii")
            # A flat server (NIL delimiter) has no hierarchy; "/" keeps single-level names working.
            self._delimiter = delimiter or "/"
        return self._delimiter

    def server_name(self, folder: Sequence[str]) -> str:
        """Join path components with the server's delimiter; imapclient applies modified UTF-7."""
        parts = list(folder)
        if not parts:
            raise TransportError("empty IMAP folder name", permanent=True)
        if parts[0].upper() == "INBOX":
            parts[0] = "INBOX"
        return self.delimiter.join(parts)

    def _select(self, folder: Sequence[str]) -> int:
        name = self.server_name(folder)
        if self._selected != name:
            with self._errors(f"IMAP SELECT {folder_label(folder)}"):
                info = self.client.select_folder(name)
            self._selected = name
            self._uidvalidity = int(info[b"UIDVALIDITY"])
        assert self._uidvalidity is not None
        return self._uidvalidity

    def _ensure_folder(self, folder: FolderPath) -> str:
        name = self.server_name(folder)
        if name in self._known_folders:
            return name
        with self._errors(f"IMAP CREATE {folder_label(folder)}"):
            if not self.client.folder_exists(name):
                # CREATE makes missing parents too (RFC 3501 6.3.3); subscribing shows it in mail clients.
                self.client.create_folder(name)
                self.client.subscribe_folder(name)
        self._known_folders.add(name)
        return name

    # --- messages ------------------------------------------------------------------------------

    def list_messages(self, folder: Sequence[str]) -> list[RemoteMessage]:
        return self._list(tuple(folder), None)

    def list_oldest(self, folder: Sequence[str], limit: int) -> list[RemoteMessage]:
        """Sizes are asked only for the first ``limit`` UIDs: a poll that handles 1,000 of 5,000
        waiting messages does not parse 5,000 FETCH responses."""
        return self._list(tuple(folder), limit)

    def _list(self, path: FolderPath, limit: int | None) -> list[RemoteMessage]:
        uidvalidity = self._select(path)
        with self._errors(f"IMAP SEARCH {folder_label(path)}"):
            # Messages flagged \Deleted by an interrupted earlier run are on their way out; skip them.
            uids = sorted(self.client.search(["UNDELETED"]))[:limit]
            sizes: dict[int, int] = {}
            for start in range(0, len(uids), _FETCH_CHUNK):
                chunk = uids[start : start + _FETCH_CHUNK]
                for uid, data in self.client.fetch(chunk, ["RFC822.SIZE"]).items():
                    sizes[uid] = int(data[b"RFC822.SIZE"])
        return [
            RemoteMessage(
                server_id=f"{uidvalidity}:{uid}",
                folder=path,
                size=sizes.get(uid),
                uid=uid,
                uidvalidity=uidvalidity,
            )
            for uid in uids
            if uid in sizes
        ]

    def fetch(self, msg: RemoteMessage, *, max_bytes: int | None = None) -> bytes:
        uid = self._prepare(msg)
        size = msg.size
        with self._errors(f"IMAP FETCH {msg.server_id}"):
            if size is None:
                size = self._size_of(uid)
            check_size(msg, self.size_limit(max_bytes), size)
            # BODY.PEEK[] leaves \Seen alone, so a failed run does not hide mail from people reading the box.
            data = self.client.fetch([uid], ["BODY.PEEK[]"]).get(uid)
        if not data or b"BODY[]" not in data:
            raise TransportError(f"message {msg.server_id} is no longer in {folder_label(msg.folder)}", permanent=False)
        return bytes(data[b"BODY[]"])

    def fetch_many(
        self, msgs: Sequence[RemoteMessage], *, max_bytes: int | None = None
    ) -> dict[str, bytes | TransportError]:
        """One UID FETCH BODY.PEEK[] per folder and ~8 MB of mail instead of one per message."""
        max_bytes = self.size_limit(max_bytes)
        result: dict[str, bytes | TransportError] = {}
        for folder, group in _by_folder(msgs).items():
            self._select(folder)
            wanted = self._sized(group)
            batch: list[RemoteMessage] = []
            held = 0
            for msg in wanted:
                try:
                    check_size(msg, max_bytes)
                except TransportError as exc:
                    result[msg.server_id] = exc
                    continue
                if batch and held + (msg.size or 0) > _FETCH_BATCH_BYTES:
                    result.update(self._fetch_bodies(batch))
                    batch, held = [], 0
                batch.append(msg)
                held += msg.size or 0
            if batch:
                result.update(self._fetch_bodies(batch))
        return result

    def _sized(self, group: list[RemoteMessage]) -> list[RemoteMessage]:
        """The messages with their sizes, asked of the server (one FETCH) for those listed without."""
        for msg in group:
            self._prepare(msg)
        unknown = [msg.uid for msg in group if msg.size is None]
        if not unknown:
            return group
        with self._errors("IMAP FETCH RFC822.SIZE"):
            data = self.client.fetch(unknown, ["RFC822.SIZE"])
        sizes = {uid: int(item[b"RFC822.SIZE"]) for uid, item in data.items() if b"RFC822.SIZE" in item}
        return [msg if msg.size is not None else replace(msg, size=sizes.get(msg.uid)) for msg in group]

    def _fetch_bodies(self, batch: list[RemoteMessage]) -> dict[str, bytes]:
        uids = [msg.uid for msg in batch]
        with self._errors(f"IMAP FETCH {len(uids)} messages"):
            data = self.client.fetch(uids, ["BODY.PEEK[]"])
        bodies: dict[str, bytes] = {}
        for msg in batch:
            item = data.get(msg.uid)
            if not item or b"BODY[]" not in item:
                raise TransportError(
                    f"message {msg.server_id} is no longer in {folder_label(msg.folder)}", permanent=False
                )
            bodies[msg.server_id] = bytes(item.pop(b"BODY[]"))
        return bodies

    def _size_of(self, uid: int) -> int | None:
        data = self.client.fetch([uid], ["RFC822.SIZE"]).get(uid)
        return int(data[b"RFC822.SIZE"]) if data else None

    def acknowledge(self, msg: RemoteMessage, *, outcome: Outcome) -> None:
        target = self.config.target_folder(outcome)
        uid = self._prepare(msg)
        if target is None:
            self._delete([uid], msg.server_id)
            return
        destination = self._ensure_folder(target)
        self._select(msg.folder)
        with self._errors(f"IMAP move {msg.server_id} to {folder_label(target)}"):
            if self.client.has_capability("MOVE"):
                self.client.move([uid], destination)
                return
            self.client.copy([uid], destination)
        self._delete([uid], msg.server_id)

    def acknowledge_many(self, msgs: Sequence[RemoteMessage], *, outcome: Outcome) -> None:
        """One MOVE (or COPY, STORE and EXPUNGE) per folder for all of ``msgs``."""
        target = self.config.target_folder(outcome)
        for folder, group in _by_folder(msgs).items():
            uids = [self._prepare(msg) for msg in group]
            label = f"{len(uids)} messages in {folder_label(folder)}"
            if target is None:
                self._delete(uids, label)
                continue
            destination = self._ensure_folder(target)
            self._select(folder)
            with self._errors(f"IMAP move {label} to {folder_label(target)}"):
                if self.client.has_capability("MOVE"):
                    self.client.move(uids, destination)
                    continue
                self.client.copy(uids, destination)
            self._delete(uids, label)

    def _delete(self, uids: list[int], label: str) -> None:
        with self._errors(f"IMAP delete {label}"):
            self.client.add_flags(uids, [DELETED], silent=True)
            if self.client.has_capability("UIDPLUS"):
                self.client.uid_expunge(uids)
            else:
                # Without UIDPLUS only a folder-wide EXPUNGE exists; it also removes other \Deleted
                # messages, which in a scanned folder are ours anyway.
                self.client.expunge()

    def _prepare(self, msg: RemoteMessage) -> int:
        if msg.uid is None:
            raise TransportError(f"message {msg.server_id} has no IMAP UID", permanent=True)
        uidvalidity = self._select(msg.folder)
        if msg.uidvalidity is not None and msg.uidvalidity != uidvalidity:
            # UIDs from before a UIDVALIDITY change may now name other messages (RFC 3501 2.3.1.1).
            raise TransportError(
                f"UIDVALIDITY of {folder_label(msg.folder)} changed from {msg.uidvalidity} to {uidvalidity}; "
                "list the folder again",
                permanent=False,
            )
        return msg.uid

    # --- IDLE ----------------------------------------------------------------------------------

    @property
    def supports_idle(self) -> bool:
        with self._errors("IMAP capabilities"):
            return self.client.has_capability("IDLE")

    def idle_wait(self, folder: Sequence[str], timeout: float) -> bool:
        """Wait up to ``timeout`` s for EXISTS/RECENT in ``folder``, renewing IDLE every ``idle_renew_seconds``."""
        if not self.supports_idle:
            return super().idle_wait(folder, timeout)
        self._select(tuple(folder))
        deadline = time.monotonic() + max(timeout, 0.0)
        renew = max(self.config.idle_renew_seconds, 0.1)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            if self._idle_once(min(remaining, renew)):
                return True

    def _idle_once(self, seconds: float) -> bool:
        with self._errors("IMAP IDLE"):
            self.client.idle()
            try:
                responses = self.client.idle_check(timeout=seconds)
            finally:
                _text, late = self.client.idle_done()
        return _announces_mail(responses) or _announces_mail(late)

    # --- errors --------------------------------------------------------------------------------

    @contextmanager
    def _errors(self, action: str, *, greeting: bool = False) -> Iterator[None]:
        """Map imaplib's errors; `greeting`: while connecting, where a protocol error means the
        other side is not an IMAP server at all."""
        try:
            yield
        except TransportError:
            raise
        except imap_errors.LoginError as exc:
            raise TransportError(
                f"{action}: authentication failed ({_text(exc)})", permanent=True, reason=Reason.AUTH
            ) from exc
        except imaplib.IMAP4.abort as exc:
            self._drop()
            reason = Reason.NOT_SERVER if greeting else Reason.LOST
            raise TransportError(f"{action}: connection lost ({_text(exc)})", permanent=False, reason=reason) from exc
        except imaplib.IMAP4.error as exc:
            text = _text(exc)
            temporary = any(code.decode() in text for code in _TEMPORARY_CODES)
            reason = Reason.NOT_SERVER if greeting else Reason.REJECTED
            raise TransportError(f"{action}: {text}", permanent=not temporary, reason=reason) from exc
        except OSError as exc:
            self._drop()
            raise network_error(exc, action) from exc


def _by_folder(msgs: Sequence[RemoteMessage]) -> dict[FolderPath, list[RemoteMessage]]:
    groups: dict[FolderPath, list[RemoteMessage]] = {}
    for msg in msgs:
        groups.setdefault(tuple(msg.folder), []).append(msg)
    return groups


def _announces_mail(responses: list[tuple[object, ...]]) -> bool:
    return any(len(item) > 1 and item[1] in (b"EXISTS", b"RECENT") and item[0] for item in responses)


def _text(exc: BaseException) -> str:
    """imaplib errors often carry repr()'d bytes ("b'[AUTHENTICATIONFAILED] ...'"); show the server text."""
    text = str(exc)
    if text.startswith(("b'", 'b"')) and text.endswith(("'", '"')):
        text = text[2:-1]
    return text

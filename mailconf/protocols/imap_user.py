"""IMAP for a person's own mailbox: folders with their special-use roles, the newest messages with
their flags, \\Seen both ways, APPEND to Sent, and a non-blocking IDLE a single thread can hold for
many mailboxes at once.

The service-desk intake (`imap.ImapMailbox`) reads a folder oldest-first and moves what it filed;
a personal mailbox is never changed behind its owner's back: everything is fetched with
BODY.PEEK, and only the owner's own actions (read/unread, sending) write to it.
"""

from __future__ import annotations

import imaplib
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from imapclient import SEEN

from .imap import ImapMailbox, _announces_mail

# RFC 6154 special-use attributes, and the names servers without it commonly use.
SPECIAL_USE = {
    b"\\Sent": "sent",
    b"\\Drafts": "drafts",
    b"\\Trash": "trash",
    b"\\Junk": "junk",
    b"\\Archive": "archive",
}
NAME_ROLES = {
    "sent": "sent",
    "sent items": "sent",
    "sent messages": "sent",
    "отправленные": "sent",
    "drafts": "drafts",
    "черновики": "drafts",
    "trash": "trash",
    "deleted items": "trash",
    "корзина": "trash",
    "junk": "junk",
    "spam": "junk",
    "спам": "junk",
    "archive": "archive",
}
_NOSELECT = (b"\\Noselect", b"\\NonExistent")


@dataclass(frozen=True)
class FolderInfo:
    name: str
    role: str  # "inbox", "sent", ... or "" for an ordinary folder


@dataclass(frozen=True)
class FetchedMessage:
    uid: int
    raw: bytes
    seen: bool


@dataclass(frozen=True)
class FolderState:
    uidvalidity: int
    uidnext: int | None


class UserImapMailbox(ImapMailbox):
    """An `ImapMailbox` with the operations of a mail client. Folder names are the server's (as LIST
    returns them, decoded from modified UTF-7), not path components."""

    _idling = False

    def folders(self) -> list[FolderInfo]:
        with self._errors("IMAP LIST"):
            listing = self.client.list_folders()
        result: list[FolderInfo] = []
        for flags, _delimiter, name in listing:
            if any(flag in _NOSELECT for flag in flags):
                continue
            text = name.decode() if isinstance(name, bytes) else str(name)
            result.append(FolderInfo(text, _role(text, flags)))
        return result

    def select(self, name: str) -> FolderState:
        with self._errors(f"IMAP SELECT {name}"):
            info = self.client.select_folder(name)
        self._selected = name
        self._uidvalidity = int(info[b"UIDVALIDITY"])
        uidnext = info.get(b"UIDNEXT")
        return FolderState(self._uidvalidity, int(uidnext) if uidnext is not None else None)

    def _selected_as(self, name: str) -> None:
        # Within one session the server brings the selected folder up to date after every command,
        # so selecting again would only cost a round trip.
        if self._selected != name:
            self.select(name)

    def newest_uids(self, name: str, limit: int) -> list[int]:
        """The UIDs of the newest `limit` messages (UIDs grow with arrival)."""
        self._selected_as(name)
        with self._errors(f"IMAP SEARCH {name}"):
            uids = sorted(self.client.search(["UNDELETED"]))
        return uids[-limit:] if limit else []

    def uids_after(self, name: str, last_uid: int) -> list[int]:
        self._selected_as(name)
        with self._errors(f"IMAP SEARCH {name}"):
            # "N:*" always matches the last message even when its UID is below N (RFC 3501 6.4.8).
            uids = self.client.search(["UID", f"{last_uid + 1}:*", "UNDELETED"])
        return sorted(uid for uid in uids if uid > last_uid)

    def fetch_messages(self, name: str, uids: Sequence[int]) -> list[FetchedMessage]:
        if not uids:
            return []
        self._selected_as(name)
        with self._errors(f"IMAP FETCH {len(uids)} messages in {name}"):
            data = self.client.fetch(list(uids), ["BODY.PEEK[]", "FLAGS"])
        result = []
        for uid in uids:
            item = data.get(uid)
            if item and b"BODY[]" in item:
                result.append(FetchedMessage(uid, bytes(item[b"BODY[]"]), SEEN in item.get(b"FLAGS", ())))
        return result

    def seen_flags(self, name: str, uids: Sequence[int]) -> dict[int, bool]:
        """\\Seen of each UID still in the folder (a deleted message is missing from the answer)."""
        if not uids:
            return {}
        self._selected_as(name)
        with self._errors(f"IMAP FETCH FLAGS in {name}"):
            flags = self.client.get_flags(list(uids))
        return {uid: SEEN in value for uid, value in flags.items()}

    def set_seen(self, name: str, uids: Sequence[int], seen: bool) -> None:
        self._selected_as(name)
        with self._errors(f"IMAP STORE in {name}"):
            if seen:
                self.client.add_flags(list(uids), [SEEN], silent=True)
            else:
                self.client.remove_flags(list(uids), [SEEN], silent=True)

    def append(self, name: str, raw: bytes, *, seen: bool = True, when: datetime | None = None) -> None:
        with self._errors(f"IMAP APPEND to {name}"):
            self.client.append(name, raw, flags=[SEEN] if seen else [], msg_time=when)

    # --- IDLE for an event loop: start, wait on the socket elsewhere, collect ----------------------

    def idle_start(self, name: str) -> bool:
        """Select `name` and enter IDLE. True when the server has already said something that sits
        in the client's read buffer (a waiting socket would never report it): collect at once.
        Otherwise wait until `idle_socket()` is readable."""
        self._selected_as(name)
        with self._errors("IMAP IDLE"):
            self.client.idle()
            self._idling = True
            return self._buffered()

    def idle_socket(self) -> socket.socket:
        return self.client.socket()

    def _buffered(self) -> bool:
        # The server may send "+ idling" and "* N EXISTS" (mail that came while we were not idling)
        # in one TLS record; the first line is read, the rest waits in imaplib's buffered reader.
        # peek() returns that buffer without touching the socket, or tries one non-blocking read.
        sock = self.client.socket()
        sock.setblocking(False)
        try:
            return bool(self.client._imap.file.peek(1))
        except (BlockingIOError, ssl.SSLWantReadError, InterruptedError):
            return False
        finally:
            sock.settimeout(self.config.timeout)

    def idle_collect(self) -> bool:
        """Leave IDLE and tell whether new mail was announced meanwhile."""
        with self._errors("IMAP IDLE"):
            responses = self.client.idle_check(timeout=0)
            self._idling = False
            _text, late = self.client.idle_done()
        return _announces_mail(responses) or _announces_mail(late)

    def close(self) -> None:
        """Log out; a session still in IDLE ends it first (LOGOUT inside IDLE is a protocol error
        the server answers only after a delay)."""
        if self._idling and self._client is not None:
            self._idling = False
            try:
                self.client.idle_done()
            except (imaplib.IMAP4.error, OSError):
                self._drop()
                return
        super().close()


def _role(name: str, flags: Sequence[bytes]) -> str:
    if name.upper() == "INBOX":
        return "inbox"
    for flag in flags:
        if flag in SPECIAL_USE:
            return SPECIAL_USE[flag]
    leaf = name.replace("\\", "/").split("/")[-1].split(".")[-1]
    return NAME_ROLES.get(leaf.strip().lower(), "")

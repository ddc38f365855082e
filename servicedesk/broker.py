"""The embedded default's broker: kombu's filesystem transport, made safe for concurrent use.

Why not kombu's own ``filesystem://`` as is: its publisher creates the message file under its
final name and then writes into it, and its consumer picks up any ``*.msg`` it sees. A worker
polling every 0.1 s regularly catches a file between the two steps, reads zero bytes, and
``json.loads`` raises: the worker dies and the message, already moved out of the queue, is
lost. (Measured: 2 of about 15 runs of ``make run`` at one comment a second.)

What this transport changes, and nothing else:

- publish is atomic: the payload is written to a hidden temporary name in the queue folder and
  renamed to its ``.msg`` name only when complete (``os.replace`` within one directory is
  atomic on POSIX and Windows), so a consumer sees a whole message or none;
- a consumer claims a message by renaming it into the processed folder, which is in the same
  broker folder (kombu moves it to the system temporary directory, a copy when that is another
  file system, which two consumers can both make);
- a message file that still cannot be decoded (written by an older publisher, a full disk) is
  moved to the failed folder with an error in the log instead of killing the worker;
- an exchange table caught empty or half-written reads as "no bindings" for that moment.

Alternatives weighed for the no-server default: SQLAlchemy/"sqla" needs another package and
polls the database the web process writes to (SQLite locks); the in-memory transport cannot
cross processes. The folder layout stays kombu's, so a queue written by either can be read.
Registered as the ``safefs`` transport alias (servicedesk/celery.py imports this module);
settings map the default and any ``filesystem://`` URL to it.
"""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path
from queue import Empty
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

log = logging.getLogger(__name__)

ALIAS = "safefs"
TEMPORARY_PREFIX = "."  # kombu matches "<stamp>_<uuid>.<queue>.msg" by what follows the first dot


class Channel(filesystem.Channel):
    """Atomic publish, same-folder claim, and a failed folder instead of a crash."""

    # kombu's stubs name the payload differently in the base and the filesystem channel; both
    # call it positionally.
    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        temporary = os.path.join(self.data_folder_out, f"{TEMPORARY_PREFIX}{name}.tmp")
        data = str_to_bytes(dumps(payload))
        try:
            try:
                self._write(temporary, final, data)
            except FileNotFoundError:
                # The folder was removed under us (a cleaned var/, a fresh checkout): make it again.
                os.makedirs(self.data_folder_out, exist_ok=True)
                self._write(temporary, final, data)
        except OSError as exc:
            _remove_quietly(temporary)
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc

    @staticmethod
    def _write(temporary: str, final: str, data: bytes) -> None:
        # No fsync: a broker message is only a kick, and sweepers redo what a lost kick left.
        with open(temporary, "xb") as handle:
            handle.write(data)
        os.replace(temporary, final)

    def _get(self, queue: str, timeout: float | None = None) -> Any:
        wanted = f"{queue}.msg"
        try:
            names = os.listdir(self.data_folder_in)
        except FileNotFoundError:
            os.makedirs(self.data_folder_in, exist_ok=True)  # removed under us: empty until refilled
            raise Empty() from None
        for filename in sorted(names):
            if filename.partition(".")[2] != wanted:
                continue
            claimed = os.path.join(self.claim_folder, filename)
            try:
                os.rename(os.path.join(self.data_folder_in, filename), claimed)
            except OSError:
                continue  # another consumer claimed it first
            message = self._read_claimed(claimed)
            if message is not None:
                return message
        raise Empty()

    def _read_claimed(self, path: str) -> Any | None:
        try:
            with open(path, "rb") as handle:
                payload = handle.read()
        except OSError as exc:
            raise ChannelError(f"Cannot read file {path!r} from queue.") from exc
        try:
            message = loads(bytes_to_str(payload))
        except ValueError:
            self._set_aside(path, len(payload))
            return None
        if not self.store_processed:
            _remove_quietly(path)
        return message

    def _set_aside(self, path: str, size: int) -> None:
        target = os.path.join(self.failed_folder, os.path.basename(path))
        try:
            os.makedirs(self.failed_folder, exist_ok=True)
            os.replace(path, target)
        except OSError:
            target = path
        log.error(
            "broker message %s (%d bytes) is not valid JSON; kept aside as %s", os.path.basename(path), size, target
        )

    def get_table(self, exchange: str) -> list[Any]:
        try:
            return list(super().get_table(exchange))
        except ValueError:
            # Caught while kombu rewrites the table in place; the next publish reads it whole.
            log.warning("exchange table %r was being rewritten; no bindings for this message", exchange)
            return []

    @property
    def claim_folder(self) -> str:
        folder = self.processed_folder
        os.makedirs(folder, exist_ok=True)
        return str(folder)

    @property
    def failed_folder(self) -> str:
        default = Path(self.processed_folder).parent / "failed"
        return str(self.transport_options.get("failed_folder", default))


class Transport(filesystem.Transport):
    Channel = Channel


def _remove_quietly(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        return


def register() -> None:
    """Make ``safefs://`` resolve to this transport (idempotent)."""
    TRANSPORT_ALIASES[ALIAS] = f"{__name__}:Transport"


register()

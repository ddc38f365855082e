"""Getting a chunk of mail ready before its transaction: fetch the bodies, parse, keep the files.

Parsing a message costs about as much as everything the database side does for it. On a poll of
more than one chunk it runs in parse helpers, child processes forked for the poll (they start in
milliseconds with the parser already imported), while this process records the previous chunk:
a pipeline that keeps two cores busy. Helpers also write the attachment files (and the raw files
when MAIL_RAW_STORAGE is "files"), on local storage only. They never touch the database or the
mail server, so rows and acknowledgements stay in this process in the order the exactly-once
argument needs (polling.py); what comes back is a parse result and the names of files written,
all before the chunk's transaction opens.

A helper is forked while other threads of the poller may run (the lease heartbeat, IMAP IDLE
watchers in `mail_idle`); it runs only the parser and plain file writes, which take no lock those
threads hold. A helper that dies (killed, out of memory) costs nothing but speed: the chunks the
helpers held are handled here from the bytes in memory, and the rest of the poll runs without
helpers. A poller that dies takes its helpers with it:
their end of the pipe reads end-of-file and they exit.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import signal
import threading
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage

from mailconf.models import IncomingConnection, MailResult, ProcessedMessage
from mailconf.parsing import ParsedMessage
from mailconf.protocols.errors import TransportError
from mailconf.protocols.incoming import IncomingMailbox, RemoteMessage, folder_label
from servicedesk.models import Attachment
from servicedesk.services.tickets import keep_attachment_file

from .intake import ParseFailure, attempt_parse, settle_parse
from .ledger import Outcome
from .rawfiles import LocalFolder, local_folder, raw_name, store_raw, write_new_file

log = logging.getLogger(__name__)

Prepared = tuple[ProcessedMessage | None, ParsedMessage | Outcome | str]

# One job: server id, raw bytes, and the storage name to write them to (None: kept by the poller).
Job = tuple[str, bytes, str | None]
# Its result: the name written (None when not written) and what parsing gave.
Done = tuple[str | None, ParsedMessage | ParseFailure]


@dataclass
class Staged:
    """A fetched chunk on its way to the parser: `ready` now, `waiting` once the helper answers."""

    chunk: list[RemoteMessage]
    known: dict[str, ProcessedMessage]
    ready: dict[str, Prepared] = field(default_factory=dict)
    # server id -> (ledger row without its raw file yet, raw bytes), in the order sent to the helper
    waiting: dict[str, tuple[ProcessedMessage, bytes]] = field(default_factory=dict)
    helper: ParseHelper | None = None  # the one holding `waiting`


class Stager:
    """Stages the chunks of one poll, through a parse helper when the poll is big enough to pay."""

    def __init__(self, conn: IncomingConnection, box: IncomingMailbox[Any]) -> None:
        self.conn = conn
        self.box = box
        self.fetched = 0
        # Attachment files are kept ahead on local storage only; raw bytes go to files only when
        # MAIL_RAW_STORAGE says so (else into the database with the ledger row).
        self._folder = local_folder()
        self._raw_files = settings.MAIL_RAW_STORAGE == "files"
        self._helpers: list[ParseHelper] = []
        self._helpers_tried = False
        self._turn = 0

    def __enter__(self) -> Stager:
        return self

    def __exit__(self, *exc: object) -> None:
        self._close_helpers()

    def expect(self, chunks: int) -> None:
        """Start the helpers when at least two chunks wait: then their work overlaps ours. Chunks
        go to them in turn, so each has the time of several of our chunks for one of its own."""
        if chunks < 2 or self._helpers_tried:
            return
        self._helpers_tried = True
        try:
            for _ in range(min(helpers_wanted(), chunks - 1)):
                self._helpers.append(ParseHelper())
        except OSError as exc:  # no processes left, no memory to fork: fewer helpers, or none
            log.warning("could not start a parse helper for %s (%s)", self.conn.name, exc)

    def stage(self, chunk: list[RemoteMessage]) -> Staged:
        """Look up what the ledger knows, fetch the rest and hand it to the parser."""
        known = {
            entry.server_id: entry
            for entry in ProcessedMessage.objects.filter(
                connection=self.conn, server_id__in=[m.server_id for m in chunk]
            )
        }
        staged = Staged(chunk=chunk, known=known)
        todo = [m for m in chunk if m.server_id not in known or known[m.server_id].result == MailResult.PENDING]
        limit = settings.MAIL_INCOMING_MAX_BYTES
        fetchable: list[RemoteMessage] = []
        for msg in todo:
            if msg.size is not None and msg.size > limit:
                staged.ready[msg.server_id] = (None, f"the message is {msg.size} bytes, over the {limit} byte limit")
            else:
                fetchable.append(msg)
        bodies = self.box.fetch_many(fetchable, max_bytes=limit) if fetchable else {}
        jobs: list[Job] = []
        for msg in fetchable:
            raw = bodies.pop(msg.server_id)
            if isinstance(raw, TransportError):
                # The server refused this one message for good (too big once measured, gone, unreadable).
                staged.ready[msg.server_id] = (None, raw.message)
                continue
            self.fetched += 1
            entry = ProcessedMessage(
                connection=self.conn,
                connection_name=self.conn.name,
                server_id=msg.server_id,
                folder=folder_label(msg.folder),
                size=len(raw),
                attempts=1,
            )
            staged.waiting[msg.server_id] = (entry, raw)
            jobs.append((msg.server_id, raw, self._name()))
        if jobs and self._helpers:
            helper = self._helpers[self._turn % len(self._helpers)]
            self._turn += 1
            try:
                helper.send(jobs)
                staged.helper = helper
                return staged
            except OSError as exc:
                self._lost_helper(exc)
        self._settle(staged, [prepare(job, self._folder, Limits.from_settings()) for job in jobs])
        return staged

    def _name(self) -> str | None:
        """Where the helper writes the raw bytes; None when it does not (database, remote storage)."""
        return raw_name() if self._folder is not None and self._raw_files else None

    def finish(self, staged: Staged) -> dict[str, Prepared]:
        """Every message of the chunk ready to record (waits for the helper when it has them)."""
        if staged.waiting:
            results: list[Done] | None = None
            if staged.helper is not None and staged.helper in self._helpers:
                try:
                    results = staged.helper.receive()
                except (EOFError, OSError) as exc:
                    self._lost_helper(exc)
            staged.helper = None
            if results is None:
                jobs = [(sid, raw, self._name()) for sid, (_entry, raw) in staged.waiting.items()]
                results = [prepare(job, self._folder, Limits.from_settings()) for job in jobs]
            self._settle(staged, results)
        return staged.ready

    def _settle(self, staged: Staged, results: list[Done]) -> None:
        for (server_id, (entry, raw)), (name, attempt) in zip(staged.waiting.items(), results, strict=True):
            if not self._raw_files:
                entry.raw_in_database, entry.pending_raw = True, raw
            else:
                entry.raw = name if name is not None else store_raw(raw)  # remote storage: through its API
            staged.ready[server_id] = (entry, settle_parse(entry, raw, attempt))
        staged.waiting = {}

    def _lost_helper(self, exc: BaseException) -> None:
        """One helper stopped: the rest of the poll runs here (the chunks the others hold too)."""
        log.warning("the parse helper of %s stopped (%r); parsing in the poller", self.conn.name, exc)
        self._close_helpers()

    def _close_helpers(self) -> None:
        helpers, self._helpers = self._helpers, []
        for helper in helpers:
            helper.close()


def helpers_wanted() -> int:
    """MAIL_INCOMING_PARSE_HELPERS; none on one core (nothing to overlap), where forking is not
    possible ("fork" start method: Linux, macOS) or not allowed (a daemonic multiprocessing child
    may not have children)."""
    if "fork" not in multiprocessing.get_all_start_methods() or multiprocessing.current_process().daemon:
        return 0
    return max(0, settings.MAIL_INCOMING_PARSE_HELPERS) if (os.cpu_count() or 1) > 1 else 0


@dataclass(frozen=True)
class Limits:
    """What `prepare` needs from settings, read in the poller (the helper reads none)."""

    message_bytes: int
    attachment_bytes: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(settings.MAIL_INCOMING_MAX_BYTES, settings.MAX_ATTACHMENT_SIZE)


def prepare(job: Job, folder: LocalFolder | None, limits: Limits) -> Done:
    """Keep the raw bytes (when a name is given), parse them, and keep the attachments' files:
    one message's staging work, in the poller or the helper (so no settings and no database here).

    Files are written only to local storage (`folder`): a forked helper must not use a network
    client it shares with the poller. A kept attachment that intake does not use (an ignored
    message, an oversized file) is deleted once its chunk committed (`discard_unused`).
    """
    _server_id, raw, name = job
    written = write_new_file(folder, name, raw) if folder is not None and name is not None else None
    attempt = attempt_parse(raw, max_size=limits.message_bytes)
    if folder is not None and isinstance(attempt, ParsedMessage):
        for attachment in attempt.attachments:
            if attachment.size <= limits.attachment_bytes:
                attachment.stored_as = keep_attachment_file(attachment.filename, attachment.payload)
    return written, attempt


def discard_unused(prepared: dict[str, Prepared], *, committed: bool) -> None:
    """Delete the attachment files kept for the chunk that no attachment row names: all of them
    when the chunk's transaction did not commit."""
    kept = [
        att.stored_as
        for _entry, item in prepared.values()
        if isinstance(item, ParsedMessage)
        for att in item.attachments
        if att.stored_as
    ]
    if not kept:
        return
    used = set(Attachment.objects.filter(file__in=kept).values_list("file", flat=True)) if committed else set()
    for name in kept:
        if name not in used:
            default_storage.delete(name)


class ParseHelper:
    """A forked child that runs `prepare` on lists of jobs, in order, one answer per list.

    Jobs go out through a sender thread: the poller sends chunk n+1 before it reads the answer
    for chunk n, and with both pipes full a send from this thread would wait for the helper while
    the helper waits for us to read.
    """

    def __init__(self) -> None:
        context = multiprocessing.get_context("fork")
        jobs_out, jobs_in = context.Pipe(duplex=False)
        results_out, results_in = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_serve,
            args=(jobs_out, results_in, (jobs_in, results_out), local_folder(), Limits.from_settings()),
            name="mail-parse-helper",
            daemon=True,
        )
        self._process.start()
        jobs_out.close()
        results_in.close()
        self._jobs = jobs_in
        self._results = results_out
        self._outgoing: queue.SimpleQueue[list[Job] | None] = queue.SimpleQueue()
        self._sender = threading.Thread(target=self._send_all, name="mail-parse-jobs", daemon=True)
        self._sender.start()

    def send(self, jobs: list[Job]) -> None:
        if not self._sender.is_alive():
            raise BrokenPipeError("the parse helper no longer takes jobs")
        self._outgoing.put(jobs)

    def receive(self) -> list[Done]:
        answer = self._results.recv()
        if isinstance(answer, _Failed):
            # What writing a file raised (disk full, permissions): the poller then handles the chunk
            # itself, where the same error surfaces as it would without a helper.
            raise answer.error
        results: list[Done] = answer
        return results

    def close(self) -> None:
        self._outgoing.put(None)  # the sender passes it on: the helper's signal to exit
        self._sender.join(timeout=1)
        if self._sender.is_alive():  # blocked on a helper that reads no more: end it, the send fails
            self._process.kill()
            self._sender.join(timeout=5)
        self._jobs.close()
        self._results.close()
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=5)

    def _send_all(self) -> None:
        while True:
            jobs = self._outgoing.get()
            try:
                self._jobs.send(jobs)
            except OSError:
                return  # the helper died; `receive` reads end-of-file and the poller parses itself
            if jobs is None:
                return


@dataclass
class _Failed:
    error: OSError


def _serve(
    jobs: Connection,
    results: Connection,
    parents_ends: tuple[Connection, Connection],
    folder: LocalFolder | None,
    limits: Limits,
) -> None:
    """The helper's loop. Ctrl-C in a terminal reaches the whole process group: the poller decides."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for end in parents_ends:
        end.close()  # else the pipe would never read end-of-file when the poller dies
    while True:
        # None: the poll is over. End-of-file: the poller died (a helper forked later holds a copy
        # of this pipe's other end too, so that comes once the later helpers have exited).
        try:
            batch: list[Job] | None = jobs.recv()
        except (EOFError, OSError):
            return
        if batch is None:
            return
        try:
            done = [prepare(job, folder, limits) for job in batch]
        except OSError as exc:
            results.send(_Failed(OSError(exc.errno, exc.strerror, exc.filename)))
            continue
        results.send(done)

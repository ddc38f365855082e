"""`manage.py runstack`: everything `make run` needs, in one terminal.

Prepares the database (migrate, collectstatic, demo data), then supervises five children: the
ASGI web server, a Celery worker, Celery beat, the IMAP IDLE watcher (mail_idle) and the Telegram
poller (telegram_bot, idle until a bot is connected). Their output
is shown line by line with the child's name in front.

A child that dies on its own is restarted after a pause that doubles with each crash in a row
(1 s, 2 s, 4 s ... at most 30 s), with a log line saying so; one that stays up a minute starts
again from 1 s. A child that crashes five times in a row, each time within a minute of
starting (a port in use, a broken configuration), will not get better by itself: then the
whole stack is stopped and the command exits non-zero, so a broken stack never looks healthy.

SIGKILL cannot be caught, so on Linux each child is started through `die_with_parent.py`
(prctl PR_SET_PDEATHSIG): the kernel sends it SIGTERM when runstack dies, however it dies.

Ctrl-C, SIGTERM or SIGHUP stop everything and exit 0 within ten seconds: each child gets
SIGTERM, and whatever is left of its process group after seven seconds gets SIGKILL. The
signal handler only records the signal (Python's wakeup fd wakes the main loop through a pipe);
all the work happens in the main loop, so a second signal - SIGTERM sent to the process group
reaches this process twice, directly and through make - cannot deadlock on a lock held by the
first one, and stopping twice is the same as stopping once.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

# How long children get to finish after SIGTERM before their process groups are killed; the
# whole shutdown stays under ten seconds.
STOP_TIMEOUT = 7.0
POLL_INTERVAL = 0.2
# Restart policy (see the module docstring).
FIRST_BACKOFF = 1.0
MAX_BACKOFF = 30.0
STABLE_AFTER = 60.0
MAX_CRASHES = 5
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None
    reader: threading.Thread | None = field(default=None, repr=False)
    started_at: float = 0.0
    crashes: int = 0  # in a row, each within STABLE_AFTER of its start
    restart_at: float | None = None  # set while waiting to be restarted

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


class StopSignals:
    """Stop requests made safe for signal handlers.

    The handler assigns two ints and returns: no lock, no logging, no I/O in Python. Python's
    C-level handler also writes the signal number to a pipe (``signal.set_wakeup_fd``), which
    wakes :meth:`wait` at once; everything else happens in the main loop.
    """

    def __init__(self) -> None:
        self.read_fd, self.write_fd = os.pipe()
        for fd in (self.read_fd, self.write_fd):
            os.set_blocking(fd, False)
        self.signum = 0
        self.count = 0
        self._previous_fd = signal.set_wakeup_fd(self.write_fd, warn_on_full_buffer=False)
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._handle)

    def _handle(self, signum: int, frame: object) -> None:
        self.signum = self.signum or signum
        self.count += 1

    @property
    def requested(self) -> bool:
        return self.signum != 0

    def wait(self, timeout: float) -> bool:
        """Sleep up to ``timeout`` seconds or until a signal arrives; whether a stop was requested."""
        if not self.requested:
            readable, _, _ = select.select([self.read_fd], [], [], timeout)
            if readable:
                self._drain()
        return self.requested

    def _drain(self) -> None:
        try:
            while os.read(self.read_fd, 512):
                pass
        except BlockingIOError:
            return

    def close(self) -> None:
        """Detach the pipe. The handler stays: a late duplicate of the stop signal (the one make
        forwards) then still changes nothing instead of killing the process on its way out."""
        signal.set_wakeup_fd(self._previous_fd)
        os.close(self.read_fd)
        os.close(self.write_fd)


class Command(BaseCommand):
    help = "Migrate, collect static files, load demo data, then run the web server, a Celery worker, beat and the IMAP IDLE watcher."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--port",
            type=int,
            default=settings.PORT,
            help="Web server port (default: $PORT or 8000).",
        )
        parser.add_argument(
            "--host",
            default=settings.HOST,
            help="Web server address (default: $HOST or 127.0.0.1).",
        )
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo data.")
        parser.add_argument("--skip-migrate", action="store_true", help="Do not apply migrations.")

    def handle(self, *args: Any, **options: Any) -> None:
        self._write_lock = threading.Lock()
        _ensure_var_dirs()
        if not options["skip_migrate"]:
            call_command("migrate", interactive=False, verbosity=1, stdout=self.stdout)
        call_command("collectstatic", interactive=False, verbosity=0, stdout=self.stdout)
        if not options["no_demo"]:
            call_command("load_demo", stdout=self.stdout)
        # The children read HOST/PORT (and SITE_URL from them) from the environment they inherit.
        os.environ["HOST"], os.environ["PORT"] = str(options["host"]), str(options["port"])
        children = self._children(options["host"], options["port"])
        signals = StopSignals()
        try:
            failed = self._run(children, options, signals)
        finally:
            self._stop(children)
            if signals.count > 1:
                self._say(f"{signals.count} stop signals received; stopped once.")
            signals.close()
        if failed is not None:
            raise CommandError(
                f"{failed.name} crashed {failed.crashes} times in a row, each within {STABLE_AFTER:.0f} s of "
                "starting; the other processes were stopped."
            )
        self.stdout.write("All processes stopped.")

    def _run(self, children: Sequence[Child], options: dict[str, Any], signals: StopSignals) -> Child | None:
        """Start the children and supervise them; the child that crash-looped, or None after a stop signal."""
        for child in children:
            if signals.requested:
                return None
            self._spawn(child)
        self.stdout.write(
            self.style.SUCCESS(f"Service desk: http://{options['host']}:{options['port']}/  (Ctrl-C stops everything)")
        )
        return self._supervise(children, signals)

    def _children(self, host: str, port: int) -> list[Child]:
        python = [sys.executable, "-m"]
        web = [
            *python,
            "uvicorn",
            "servicedesk.asgi:application",
            "--host",
            host,
            "--port",
            str(port),
            "--lifespan",
            "off",
        ]
        worker = [*python, "celery", "-A", "servicedesk", "worker", "-l", "info", *_worker_pool_options()]
        beat = [
            *python,
            "celery",
            "-A",
            "servicedesk",
            "beat",
            "-l",
            "info",
            "-s",
            str(Path(settings.VAR_DIR) / "celerybeat-schedule"),
        ]
        # IMAP IDLE watcher: turns new mail into tickets within about a second (EWS/Graph poll).
        idle = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "mail_idle"]
        # Telegram long polling: link codes and button presses (idles while no bot is connected).
        telegram = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "telegram_bot"]
        return [
            Child("web", web),
            Child("worker", worker),
            Child("beat", beat),
            Child("idle", idle),
            Child("telegram", telegram),
        ]

    def _spawn(self, child: Child) -> None:
        env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "servicedesk.settings"),
        }
        # A session of its own: the terminal's Ctrl-C reaches only this supervisor, which then
        # stops the children in order instead of them all racing on the same signal; and the
        # child's process group (a worker's pool included) can be killed as one.
        child.process = subprocess.Popen(
            _dying_with_us(child.argv),
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        child.started_at = time.monotonic()
        child.restart_at = None
        child.reader = threading.Thread(target=self._relay, args=(child.name, child.process.stdout), daemon=True)
        child.reader.start()

    def _relay(self, name: str, stream: IO[bytes]) -> None:
        prefix = f"{name:<6} | "
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", errors="replace").rstrip("\n")
            try:
                with self._write_lock:
                    self.stdout.write(prefix + line)
                    self.stdout.flush()
            except (OSError, ValueError):
                continue  # our own output is gone (terminal closed): keep draining so the child never blocks

    def _say(self, text: str) -> None:
        try:
            with self._write_lock:
                self.stderr.write(text)
                self.stderr.flush()
        except (OSError, ValueError):
            return

    def _supervise(self, children: Sequence[Child], signals: StopSignals) -> Child | None:
        """Restart crashed children until a stop signal (returns None) or a crash loop (returns that child)."""
        while not signals.wait(POLL_INTERVAL):
            now = time.monotonic()
            for child in children:
                if child.restart_at is not None:
                    if now >= child.restart_at:
                        self._restart(child)
                    continue
                code = child.process.poll() if child.process is not None else None
                if code is None:
                    continue
                if not self._schedule_restart(child, code, now):
                    return child
        return None

    def _restart(self, child: Child) -> None:
        try:
            self._spawn(child)
        except OSError as exc:
            self._say(f"{child.name} could not be started again: {exc}")
            child.restart_at = time.monotonic() + MAX_BACKOFF
        else:
            self._say(f"{child.name} restarted (pid {child.process.pid})")  # type: ignore[union-attr]

    def _schedule_restart(self, child: Child, code: int, now: float) -> bool:
        """Book a restart after a crash; False when the child crash-loops and the stack should stop."""
        _signal_group(child, signal.SIGKILL)  # what it left behind (pool processes) goes with it
        if child.reader is not None:
            child.reader.join(timeout=2)
        if now - child.started_at >= STABLE_AFTER:
            child.crashes = 0
        child.crashes += 1
        how = f"was killed by signal {_signal_name(-code)}" if code < 0 else f"exited with code {code}"
        if child.crashes >= MAX_CRASHES:
            self._say(f"{child.name} {how}: {child.crashes} crashes in a row; stopping the stack.")
            return False
        delay = min(FIRST_BACKOFF * 2 ** (child.crashes - 1), MAX_BACKOFF)
        self._say(
            f"{child.name} {how}; restarting it in {delay:g} s "
            f"(crash {child.crashes} in a row; the stack stops at {MAX_CRASHES})."
        )
        child.restart_at = now + delay
        return True

    def _stop(self, children: Sequence[Child]) -> None:
        """Stop every child within STOP_TIMEOUT, then kill what is left of each process group.

        Runs once, in the main thread, whatever number of signals asked for it."""
        running = [c for c in children if c.alive()]
        for child in running:
            # Only the child itself: a Celery worker then drains its pool (warm shutdown);
            # signalling the whole group would kill the pool processes mid-task.
            child.process.terminate()  # type: ignore[union-attr]
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in running:
            try:
                child.process.wait(timeout=max(deadline - time.monotonic(), 0.1))  # type: ignore[union-attr]
            except subprocess.TimeoutExpired:
                self._say(f"{child.name} did not stop in {STOP_TIMEOUT:.0f} s; killing it.")
        for child in children:
            # Kill leftovers, including grandchildren (pool processes) still in the group.
            _signal_group(child, signal.SIGKILL)
            if child.process is not None:
                try:
                    child.process.wait(timeout=2)
                except subprocess.TimeoutExpired:
                    self._say(f"{child.name} (pid {child.process.pid}) survived SIGKILL")
            if child.reader is not None:
                child.reader.join(timeout=1)


DIE_WITH_PARENT = Path(__file__).resolve().parent.parent / "die_with_parent.py"


def _dying_with_us(argv: list[str]) -> list[str]:
    """On Linux, the child gets SIGTERM when this supervisor dies, even by SIGKILL (which leaves
    no chance to stop it): see die_with_parent.py. Elsewhere the command as it is."""
    if not sys.platform.startswith("linux"):
        return argv
    return [sys.executable, str(DIE_WITH_PARENT), str(os.getpid()), *argv]


def _worker_pool_options() -> list[str]:
    """Pool options for the Celery worker, chosen by the database in use.

    On the embedded SQLite default a threads pool: one process, so one consumer of the
    filesystem broker's folder and no forked children holding the SQLite file open; the threads
    share the file through WAL and IMMEDIATE transactions (settings), so concurrent writes wait
    instead of failing. Prefork would fork processes that each poll the folder and open the
    file, which buys nothing on SQLite but contention. On PostgreSQL the usual prefork pool.
    """
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        return ["--pool", "threads", "--concurrency", "4"]
    return ["--pool", "prefork", "--concurrency", "2"]


def _ensure_var_dirs() -> None:
    """VAR_DIR holds the SQLite file, beat's schedule and the filesystem broker's folders."""
    Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    for key, value in options.items():
        if "folder" in key:  # data_folder_in/out, processed_folder, control_folder
            Path(str(value)).mkdir(parents=True, exist_ok=True)


def _signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return str(signum)


def _signal_group(child: Child, signum: int) -> None:
    if child.process is None:
        return
    try:
        os.killpg(child.process.pid, signum)
    except (ProcessLookupError, PermissionError):
        # Already gone (group empty), nothing left to signal.
        return

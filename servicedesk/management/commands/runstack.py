"""`manage.py runstack`: everything `make run` needs, in one terminal.

Prepares the database (migrate, collectstatic, demo data), then supervises four children: the
ASGI web server, a Celery worker, Celery beat and the IMAP IDLE watcher (mail_idle). Their output
is shown line by line with the child's name in front. Ctrl-C or SIGTERM stops all of them and exits 0; if one child dies
on its own the others are stopped and the command exits non-zero, so a broken stack never
looks healthy.
"""

from __future__ import annotations

import os
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

# How long children get to finish after SIGTERM before they are killed.
STOP_TIMEOUT = 10.0
POLL_INTERVAL = 0.2


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None
    reader: threading.Thread | None = field(default=None, repr=False)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


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
        children = self._children(options["host"], options["port"])
        stop = _install_stop_signals()
        try:
            self._start(children)
        except OSError:
            # Children started so far live in sessions of their own; do not leave them behind.
            self._stop(children)
            raise
        self.stdout.write(
            self.style.SUCCESS(f"Service desk: http://{options['host']}:{options['port']}/  (Ctrl-C stops everything)")
        )
        failed = self._supervise(children, stop)
        self._stop(children)
        if failed is not None:
            raise CommandError(
                f"{failed.name} exited unexpectedly with code {failed.process.returncode}; "  # type: ignore[union-attr]
                "the other processes were stopped."
            )
        self.stdout.write("All processes stopped.")

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
        return [Child("web", web), Child("worker", worker), Child("beat", beat), Child("idle", idle)]

    def _start(self, children: Sequence[Child]) -> None:
        env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "servicedesk.settings"),
        }
        for child in children:
            # A session of its own: the terminal's Ctrl-C reaches only this supervisor, which
            # then stops the children in order instead of them all racing on the same signal.
            child.process = subprocess.Popen(
                child.argv,
                cwd=settings.BASE_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            child.reader = threading.Thread(target=self._relay, args=(child.name, child.process.stdout), daemon=True)
            child.reader.start()

    def _relay(self, name: str, stream: IO[bytes]) -> None:
        prefix = f"{name:<6} | "
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", errors="replace").rstrip("\n")
            with self._write_lock:
                self.stdout.write(prefix + line)
                self.stdout.flush()

    def _supervise(self, children: Sequence[Child], stop: threading.Event) -> Child | None:
        """Wait for a stop signal (returns None) or for a child to exit (returns that child)."""
        while not stop.wait(POLL_INTERVAL):
            for child in children:
                if not child.alive():
                    return child
        return None

    def _stop(self, children: Sequence[Child]) -> None:
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
                self.stderr.write(f"{child.name} did not stop in {STOP_TIMEOUT:.0f} s; killing it.")
        for child in children:
            # Kill leftovers, including grandchildren (pool processes) still in the group.
            _signal_group(child, signal.SIGKILL)
            if child.process is not None:
                child.process.wait(timeout=STOP_TIMEOUT)
            if child.reader is not None:
                child.reader.join(timeout=2)


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


def _install_stop_signals() -> threading.Event:
    stop = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, request_stop)
    return stop


def _signal_group(child: Child, signum: int) -> None:
    if child.process is None:
        return
    try:
        os.killpg(child.process.pid, signum)
    except (ProcessLookupError, PermissionError):
        # Already gone (group empty), nothing left to signal.
        return

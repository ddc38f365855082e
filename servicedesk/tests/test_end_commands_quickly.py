"""A management command that returns ends through servicedesk.fastexit: everything a normal exit
does that can be observed still happens (threads finish, atexit handlers run, output is flushed,
database connections close), and errors keep their exit status."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from servicedesk.testing.brokers import ROOT, worker_env

pytestmark = pytest.mark.django_db(transaction=True)

SCRIPT = """
import atexit, threading, time
from django.db import connection
atexit.register(lambda: print("atexit ran", flush=False))
def late():
    time.sleep(0.3)
    print("thread finished", flush=False)
threading.Thread(target=late).start()
connection.ensure_connection()
print("command done", flush=False)
"""


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=worker_env("memory://", tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_threads_atexit_handlers_and_buffered_output_survive_the_quick_exit(tmp_path: Path) -> None:
    done = run(tmp_path, "shell", "--no-imports", "-c", SCRIPT)

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-3:] == ["command done", "thread finished", "atexit ran"]


def test_a_failing_command_keeps_its_exit_status(tmp_path: Path) -> None:
    done = run(tmp_path, "mail_fetch", "no-such-mailbox", "--once")

    assert done.returncode != 0
    assert "no-such-mailbox" in done.stderr

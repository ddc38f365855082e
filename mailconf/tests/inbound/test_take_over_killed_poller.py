"""A poller killed with SIGKILL mid-batch blocks its mailbox for seconds, not minutes: a second
poller takes it over within 30 s and every message still becomes exactly one ticket; its parse
helper process exits with it."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from mailconf.models import IncomingConnection, ProcessedMessage
from mailconf.tests.inbound.conftest import maildir_count, make_mail
from servicedesk.models import Ticket
from servicedesk.testing.brokers import ROOT, worker_env
from servicedesk.testing.processes import child_pids, running

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
MAILS = 300
TAKEOVER_LIMIT = 30.0


def fetch(tmp_path: Path) -> subprocess.Popen[str]:
    env = {**worker_env("memory://", tmp_path), "MAIL_INCOMING_COMMIT_EVERY": "10"}
    command = [sys.executable, "manage.py", "mail_fetch", "--once"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_killed_poller_is_taken_over_within_30_seconds(make_connection: Any, mailbox: Any, tmp_path: Path) -> None:
    conn = make_connection()
    for n in range(MAILS):
        mailbox.deliver(make_mail(subject=f"Request {n}", sender=f"user{n}@client.example"))

    first = fetch(tmp_path)
    deadline = time.monotonic() + 60
    while ProcessedMessage.objects.count() < 30 and time.monotonic() < deadline:
        time.sleep(0.05)
    helpers = child_pids(first.pid)
    assert helpers, "a poll of 30 chunks parses in a helper process"
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    killed_at = time.monotonic()
    assert ProcessedMessage.objects.count() < MAILS, "killed mid-batch"
    assert IncomingConnection.objects.get(pk=conn.pk).locked_until is not None, "the dead poller's lease is left"
    # Its parse helper reads end-of-file on its pipe and exits instead of living on as an orphan.
    while any(running(pid) for pid in helpers):
        assert time.monotonic() - killed_at < 10, "the parse helper outlived its poller"
        time.sleep(0.05)

    while True:
        started = time.monotonic()
        second = fetch(tmp_path)
        out, err = second.communicate(timeout=300)
        assert second.returncode == 0, err
        if "being polled by another worker" not in err:
            break
        assert time.monotonic() - killed_at < TAKEOVER_LIMIT, "the mailbox stayed locked"
        time.sleep(0.5)
    # The run that took the mailbox over was started within the limit (it then took what was left).
    assert started - killed_at < TAKEOVER_LIMIT

    assert ProcessedMessage.objects.count() == MAILS
    assert Ticket.objects.count() == MAILS
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == sorted(f"Request {n}" for n in range(MAILS))
    assert maildir_count(mailbox) == 0

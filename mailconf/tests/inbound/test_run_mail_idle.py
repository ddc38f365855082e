"""`manage.py mail_idle` as a process: watches enabled IMAP connections, files new mail, stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from servicedesk.models import Ticket

from .conftest import make_mail

pytestmark = pytest.mark.slow
MANAGE = Path(settings.BASE_DIR) / "manage.py"


@pytest.mark.django_db(transaction=True)
def test_mail_idle_files_mail_delivered_while_it_runs_and_stops_on_sigterm(cast, mailbox, make_connection):
    make_connection("imap", "ssl", name="watched")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "servicedesk.settings_test"),
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "MAIL_CA_FILE": str(mailbox.server.cert_path),
    }
    process = subprocess.Popen(
        [sys.executable, str(MANAGE), "mail_idle", "--wait", "5", "--rescan", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(2.5)  # start-up (Django, first poll, IDLE)
        mailbox.deliver(make_mail(subject="Arrived while mail_idle ran"))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not Ticket.objects.exists():
            time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    assert Ticket.objects.get().subject == "Arrived while mail_idle ran", err[-2000:]
    assert "watching incoming connection" in out
    assert process.returncode == 0, err[-2000:]


@pytest.mark.django_db(transaction=True)
def test_sigterm_stops_mail_idle_within_its_grace_even_with_a_watcher_stuck_connecting(cast, mailbox):
    """A server that accepts the connection and never greets holds the watcher in connect for the
    protocol timeout; the stop must not wait for it (after a supervisor's SIGKILL nobody would
    escalate), and nothing of it is acknowledged, so cutting it short loses nothing."""
    import socket

    from mailconf.management.commands.mail_idle import STOP_GRACE_SECONDS
    from mailconf.models import IncomingConnection

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)
    conn = IncomingConnection(
        name="silent", protocol="imap", host="127.0.0.1", port=silent.getsockname()[1], encryption="none", login="x"
    )
    conn.password = "x"
    conn.save()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "servicedesk.settings_test"),
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    process = subprocess.Popen(
        [sys.executable, str(MANAGE), "mail_idle", "--wait", "240", "--rescan", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        held: list[object] = []  # accepted connections, kept open and silent
        while time.monotonic() < deadline and not _accepted(silent, held):
            time.sleep(0.1)  # then the watcher is inside connect, waiting for a greeting
        process.send_signal(signal.SIGTERM)
        started = time.monotonic()
        out, err = process.communicate(timeout=30)
        took = time.monotonic() - started
    finally:
        if process.poll() is None:
            process.kill()
        silent.close()
    assert "watching incoming connection" in out, err[-2000:]
    assert process.returncode == 0, err[-2000:]
    assert took < STOP_GRACE_SECONDS + 3, f"stopped after {took:.1f} s"


def _accepted(server: object, held: list[object]) -> bool:
    import select

    readable, _w, _x = select.select([server], [], [], 0)
    if readable:
        held.append(server.accept()[0])  # type: ignore[attr-defined]
        return True
    return False

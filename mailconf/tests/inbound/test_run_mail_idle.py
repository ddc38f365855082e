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

"""A worker killed mid-batch loses nothing; it duplicates at most the accepted messages whose outcome
was not written yet: one with `MAIL_STATUS_GROUP_ROWS=1`, at most one group otherwise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from mailconf.models import OutboxMessage
from mailconf.outbox import enqueue_mail

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[3]


def flush(crash_at: str = "", group_rows: int = 1) -> subprocess.CompletedProcess[str]:
    """`outbox_flush` in a worker process; with `crash_at` the worker dies there (see crashing_worker)."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings_test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "MAIL_STATUS_GROUP_ROWS": str(group_rows),
        "MAIL_STATUS_GROUP_SECONDS": "60",
    }
    command = ["-m", "mailconf.tests.outbox.crashing_worker", crash_at] if crash_at else ["manage.py"]
    return subprocess.run(
        [sys.executable, *command, "outbox_flush", "--batch-size", "50"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def expire_leases() -> None:
    # What the passing of MAIL_LEASE_SECONDS does for a dead worker's rows.
    OutboxMessage.objects.filter(status="sending").update(lease_until=timezone.now() - timedelta(seconds=1))


@pytest.mark.parametrize(
    ("crash_at", "group_rows", "unwritten", "duplicates"),
    [
        ("3", 1, 0, 0),  # each outcome written before the next send: nothing sent twice
        ("3s", 1, 0, 1),  # accepted, killed before its outcome was written: that one again
        ("3s", 20, 3, 4),  # grouped outcomes: the group's accepted messages again, none lost
        ("3s", 2, 1, 2),  # a group of two was written; the next one's two accepted are sent again
    ],
)
def test_killed_worker(outgoing, smtp, crash_at: str, group_rows: int, unwritten: int, duplicates: int) -> None:
    outgoing()
    ids = {
        enqueue_mail(to=[f"r{i}@example.test"], subject=f"m{i}", text="t", kind="system", schedule=False).message_id
        for i in range(10)
    }
    killed = flush(crash_at, group_rows)
    assert killed.returncode == 17, killed.stderr
    assert OutboxMessage.objects.filter(status="sending").count() == 10 - 3 + unwritten
    # While the dead worker's lease holds, nobody else takes its rows.
    assert json.loads(flush().stdout) == {"sent": 0, "retrying": 0, "failed": 0}
    expire_leases()
    assert json.loads(flush().stdout.strip().splitlines()[-1])["sent"] == 7 + unwritten
    received = Counter(m.parsed()["Message-ID"] for m in smtp.plain.wait_for_messages(10 + duplicates))
    assert set(received) == ids, "nothing lost"
    assert sum(received.values()) - len(ids) == duplicates
    assert OutboxMessage.objects.filter(status="sent").count() == 10

"""A broker outage loses no notification and fails no user action (the transactional outbox).

In each outage people comment on tickets, Django code sends mail and a mailbox is polled; all of
it succeeds. Once the broker is back, beat's sweepers (called here as beat would) and a real worker
deliver everything, and every notification arrives exactly once.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.core.mail import send_mail

from mailconf.inbound import poll_connection
from mailconf.outbox import deliver_due
from mailconf.tests.inbound.conftest import mail_ca, make_connection, make_mail  # noqa: F401 - fixtures
from notifications import catalogue
from notifications.models import Occurrence
from notifications.tasks import fan_out_due
from notifications.tests.factories import make_action, new_ticket, only_actions
from servicedesk import kicks
from servicedesk.services.tickets import add_comment
from servicedesk.testing.brokers import ROOT, RedisServer, broker_at, celery_worker, worker_env
from servicedesk.testing.mailservers.net import free_ports

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
OUTAGE_LOG = "broker unavailable"


@pytest.fixture
def desk(cast: Any, outgoing: Any, make_connection: Any, mailbox: Any, settings: Any) -> Any:  # noqa: F811
    """Comments and mail registrations mail the requester; the sweeper takes rows up at once."""
    settings.NOTIFY_SWEEP_GRACE_SECONDS = 0
    settings.EMAIL_BACKEND = "mailconf.outbox.backend.OutboxEmailBackend"  # pytest-django's is locmem
    subject = {"subject_en": "note: COMMENT_TEXT", "subject_ru": "note: COMMENT_TEXT"}
    only_actions(
        make_action(catalogue.COMMENT_PUBLIC, to_requester=True, **subject),
        make_action(
            catalogue.TICKET_REGISTERED_EMAIL,
            to_requester=True,
            notify_actor=True,  # the sender filed it: the acknowledgement is for them
            subject_en="ack: TICKET_SUBJECT",
            subject_ru="ack: TICKET_SUBJECT",
        ),
    )

    class Desk:
        ticket = new_ticket(cast)
        connection = make_connection()
        expected: list[str] = []

        def act(self, step: str) -> None:
            """One round of user actions and intake; each must succeed whatever the broker does."""
            add_comment(ticket=self.ticket, actor=cast.operator.user, body=f"comment {step}")
            send_mail(f"direct {step}", "text", None, [f"boss-{step}@corp.example"])
            mailbox.deliver(make_mail(sender="kirill@romashka.example", subject=f"mail {step}"))
            counts = poll_connection(self.connection.pk)
            assert counts is not None and counts.tickets == 1 and not counts.error
            self.expected += [f"note: comment {step}", f"direct {step}", f"ack: mail {step}"]

    return Desk()


def sweep() -> None:
    """What beat runs every SWEEP_SECONDS."""
    fan_out_due()
    deliver_due()
    kicks.flush()


def arrived_once(smtp: Any, expected: list[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(smtp.plain.messages) < len(expected):
        sweep()
        time.sleep(0.3)
    time.sleep(1)  # anything late (a kick still in a worker) would show now
    sweep()
    received = Counter(str(m.parsed()["Subject"]).split("] ", 1)[-1] for m in smtp.plain.messages)
    assert received == Counter(expected), received
    assert not Occurrence.objects.filter(processed_at__isnull=True).exists()


def outage_warnings(caplog: pytest.LogCaptureFixture) -> int:
    return sum(OUTAGE_LOG in record.getMessage() for record in caplog.records)


def test_broker_at_a_closed_port(desk: Any, smtp: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="servicedesk.kicks")
    redis = RedisServer(tmp_path)  # its port stays closed until "recovery"
    with broker_at(redis.url):
        for step in ("a", "b", "c"):
            desk.act(step)
        kicks.flush()
        assert smtp.plain.messages == []
        assert outage_warnings(caplog) == 1, "logged once per outage, not once per kick"
        redis.start()
        try:
            arrived_once(smtp, desk.expected)
        finally:
            redis.kill()
    assert any("reachable again" in r.getMessage() for r in caplog.records)


def test_redis_killed_mid_run_and_restarted(desk: Any, smtp: Any, tmp_path: Path) -> None:
    redis = RedisServer(tmp_path)
    redis.start()
    try:
        with broker_at(redis.url), celery_worker(redis.url, tmp_path, tmp_path / "worker.log"):
            desk.act("before")
            redis.kill()
            desk.act("during-1")
            desk.act("during-2")
            redis.start()
            desk.act("after")
            arrived_once(smtp, desk.expected, timeout=60)
    finally:
        redis.kill()


def safefs_options(var_dir: Path) -> dict[str, object]:
    """What settings give the embedded default for VAR_DIR=`var_dir` (the worker's view)."""
    base = var_dir / "broker"
    return {
        "data_folder_in": str(base / "queue"),
        "data_folder_out": str(base / "queue"),
        "processed_folder": str(base / "processed"),
        "failed_folder": str(base / "failed"),
        "control_folder": str(base / "control"),
        "store_processed": False,
        "polling_interval": 0.1,
    }


def test_filesystem_broker_folder_missing(desk: Any, smtp: Any, tmp_path: Path) -> None:
    with broker_at("safefs://", safefs_options(tmp_path)):
        with celery_worker("safefs://", tmp_path, tmp_path / "worker.log"):
            deadline = time.monotonic() + 30
            while not (tmp_path / "broker" / "queue").is_dir() and time.monotonic() < deadline:
                time.sleep(0.1)
            desk.act("before")
            shutil.rmtree(tmp_path / "broker")
            desk.act("missing")
            kicks.flush()
            arrived_once(smtp, desk.expected, timeout=60)


def test_a_closed_port_never_reaches_the_caller(desk: Any) -> None:
    """No worker and no recovery: the actions themselves succeed and their rows wait."""
    with broker_at(f"redis://127.0.0.1:{free_ports(1)[0]}/0"):
        desk.act("x")
        kicks.flush()
    assert Occurrence.objects.filter(processed_at__isnull=True).count() == 2


def test_management_commands_work_on_a_fresh_checkout(tmp_path: Path) -> None:
    """The embedded default (no Redis, no broker URL) makes its broker folders itself: sending
    mail from a shell and one fetch run work before `runstack` ever ran."""
    var = tmp_path / "var"  # does not exist yet
    env = {
        **worker_env("", var),
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
        "REDIS_URL": "",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    send = "from django.core.mail import send_mail; send_mail('s', 't', None, ['a@corp.example'])"
    for command in (["shell", "-c", send], ["mail_fetch", "--once"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        assert "FileNotFoundError" not in done.stderr
    kicked = [name for name in os.listdir(var / "broker" / "queue") if name.endswith(".msg")]
    assert len(kicked) == 1, "the shell's send_mail published its kick at exit"

"""outbox_flush delivers everything due now and prints one JSON line of counts."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from mailconf.outbox import enqueue_mail

pytestmark = pytest.mark.django_db


def test_prints_counts(outgoing, smtp, fast_retries) -> None:
    outgoing()
    smtp.plain.reject_recipient("gone@example.test", 550, "5.1.1 Gone")
    smtp.plain.fail_next(1, code=451, stage="mail")
    for to in ("a@example.test", "b@example.test", "gone@example.test"):
        enqueue_mail(to=[to], subject="s", text="t", kind="system", schedule=False)
    out = io.StringIO()
    call_command("outbox_flush", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0]) == {"sent": 1, "retrying": 1, "failed": 1}
    assert len(smtp.plain.wait_for_messages(1)) == 1


def test_celery_task_and_beat_schedule(outgoing, smtp, settings) -> None:
    from mailconf.tasks import deliver_outbox, prune_outbox

    outgoing()
    enqueue_mail(to=["a@example.test"], subject="s", text="t", kind="system", schedule=False)
    assert deliver_outbox.delay().get() == {"sent": 1, "retrying": 0, "failed": 0}
    assert prune_outbox.delay().get() == 0
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"mailconf.deliver_outbox", "mailconf.prune_outbox"} <= tasks

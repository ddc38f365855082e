"""Demo mail never reaches a real relay (issue 11, point 17): recipients in MAIL_DEMO_DOMAINS (the
reserved .example domain by default, where the demo's people live) are held for good at enqueue —
even after a real SMTP server is configured, and even on "Resend" — while real addresses in the
same message are sent. And SITE_URL follows HOST/PORT when it is not set."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from mailconf.models import OutboxMessage, OutboxStatus
from mailconf.outbox import deliver_due, enqueue_mail, resend_messages

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_hold(settings) -> None:
    settings.MAIL_DEMO_DOMAINS = ["example"]  # the production default (servicedesk/settings.py)


def _production_settings(**env: str) -> list[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "MAIL_DEMO_DOMAINS", "HOST", "PORT")}
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SITE_URL); print(settings.MAIL_DEMO_DOMAINS)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "DJANGO_SETTINGS_MODULE": "servicedesk.settings", **env},
        capture_output=True,
        text=True,
        check=True,
        cwd=django_settings.BASE_DIR,
    ).stdout.splitlines()[-2:]


def test_site_url_follows_host_and_port_and_demo_domains_default() -> None:
    assert _production_settings(HOST="localhost", PORT="8123") == ["http://localhost:8123", "['example']"]
    assert _production_settings(HOST="0.0.0.0", PORT="9000", SITE_URL="")[0] == "http://127.0.0.1:9000"
    assert _production_settings(SITE_URL="https://desk.corp.ru/", MAIL_DEMO_DOMAINS="") == [
        "https://desk.corp.ru",
        "[]",
    ]


def test_demo_recipients_held_real_ones_sent(demo_hold: None, outgoing, smtp) -> None:
    outgoing(smtp.plain)
    msg = enqueue_mail(
        to=["ivanov@corp.example", "real@example.test"],
        cc=["x@spb.romashka.example"],
        subject="S",
        text="t",
        kind="system",
        schedule=False,
    )
    deliver_due()
    msg.refresh_from_db()
    assert [m.rcpt_tos for m in smtp.plain.wait_for_messages(1)] == [["real@example.test"]]
    assert msg.recipients["ivanov@corp.example"]["status"] == "suppressed"
    assert "MAIL_DEMO_DOMAINS" in msg.recipients["x@spb.romashka.example"]["error"]
    only_demo = enqueue_mail(to=["petrov@corp.example"], subject="S", text="t", kind="system", schedule=False)
    assert only_demo.status == OutboxStatus.SKIPPED
    assert resend_messages([only_demo.pk]) == 0
    deliver_due()
    assert len(smtp.plain.messages) == 1


@pytest.mark.slow  # loads the whole demo (~45 s on this machine)
def test_loaded_demo_queues_nothing_for_a_real_relay(
    demo_hold: None, outgoing, smtp, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=open(os.devnull, "w"))
    outgoing(smtp.plain)  # a real server is configured afterwards
    rows = OutboxMessage.objects.all()
    assert rows.count() > 10  # the demo's tickets did notify their people
    pending = [(m.pk, a) for m in rows for a, i in m.recipients.items() if i["status"] == "pending"]
    assert pending == []
    deliver_due()
    assert smtp.plain.messages == []

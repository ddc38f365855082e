"""`mail_fetch --once` prints its counts as one JSON line; `mail_check` reports a connection's state."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from mailconf.models import CheckStatus, OutboxMessage

from .conftest import make_mail

pytestmark = pytest.mark.slow


def test_mail_fetch_once_prints_the_counts(cast, mailbox, make_connection):
    make_connection(name="support")
    raw = make_mail(message_id="<same@client.example>")
    mailbox.deliver(raw)
    mailbox.deliver(raw)
    mailbox.deliver(make_mail(subject="robot", headers={"Auto-Submitted": "auto-replied"}))
    mailbox.deliver(b"From: \r\nSubject: nobody sent this\r\n\r\nx\r\n")
    out = StringIO()

    call_command("mail_fetch", "support", "--once", stdout=out)

    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0]) == {
        "fetched": 4,
        "tickets": 1,
        "comments": 0,
        "ignored": 1,
        "failed": 1,
        "duplicates": 1,
    }


def test_mail_fetch_refuses_an_unknown_name(cast, mailbox, make_connection):
    with pytest.raises(CommandError, match="no incoming connection named nope"):
        call_command("mail_fetch", "nope", "--once", stdout=StringIO())


def test_mail_check_success_and_failure(cast, mailbox, make_connection):
    good = make_connection(name="good")
    bad = make_connection(name="bad")
    bad.password = "wrong"
    bad.save()
    out = StringIO()

    call_command("mail_check", "good", stdout=out)
    with pytest.raises(CommandError, match="bad"):
        call_command("mail_check", "bad", stdout=StringIO())

    good.refresh_from_db()
    bad.refresh_from_db()
    assert "good: OK" in out.getvalue()
    assert good.check_status == CheckStatus.SUCCESS and good.last_success_at is not None
    assert bad.check_status == CheckStatus.ERROR and bad.consecutive_failures == 1 and bad.last_error
    assert bad.last_success_at is None and not OutboxMessage.objects.exists()


@override_settings(MAIL_INCOMING_BATCH=2)
def test_mail_fetch_once_drains_the_mailbox_in_batches(cast, mailbox, make_connection):
    make_connection(name="support")
    for n in range(5):
        mailbox.deliver(make_mail(subject=f"message {n}"))
    out = StringIO()

    call_command("mail_fetch", "--once", stdout=out)

    assert json.loads(out.getvalue())["tickets"] == 5

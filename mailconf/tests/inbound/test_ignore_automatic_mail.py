"""The whole automatic-mail set (issue 9, section 5) through real IMAP: bounces, auto-replies,
list notices and abuse reports are logged as ignored with their reason and open no ticket (so
no acknowledgement goes out); the human mail about the same topics becomes tickets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mailconf.models import MailResult, ProcessedMessage
from servicedesk.models import Ticket

from .conftest import poll

pytestmark = pytest.mark.slow

SAMPLES = Path(__file__).resolve().parent.parent / "corpus" / "automatic"
KINDS: dict[str, str] = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))


def test_automatic_mail_is_ignored_with_its_reason(cast, mailbox, make_connection):
    for name in sorted(KINDS):
        mailbox.deliver((SAMPLES / f"{name}.eml").read_bytes())
    conn = make_connection("imap", "ssl")

    for _ in range(10):
        counts = poll(conn)
        if not counts.more:
            break

    entries = list(ProcessedMessage.objects.filter(connection=conn))
    assert len(entries) == len(KINDS)
    humans = sum(1 for kind in KINDS.values() if kind == "human")
    assert Ticket.objects.count() == humans
    ignored = [e for e in entries if e.result == MailResult.IGNORED]
    assert len(ignored) == len(KINDS) - humans
    assert all(e.reason for e in ignored)
    reasons = " | ".join(e.reason for e in ignored)
    for fragment in ("bounce", "automatic reply (abuse feedback report (ARF))", "mailing-list notice", "vacation"):
        assert fragment in reasons
    # Acknowledgements hang on tickets: only the people's messages opened any.
    people = {e.sender for e in entries if e.result == MailResult.TICKET}
    assert len([e for e in entries if e.result == MailResult.TICKET]) == humans
    assert {t.requester_email or t.requester_contact.email for t in Ticket.objects.all()} == people

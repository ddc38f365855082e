"""Mail with real-world header quirks (issue 9, section 4) becomes tickets from the right sender
over real IMAP; when the sender came from a fallback field the mail log says which; mail with no
sender anywhere is parked in the error folder with its reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailconf.models import MailResult, ProcessedMessage
from servicedesk.models import Ticket

from .conftest import maildir_count, poll

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SENDERS = {
    "quirk_utf8_bom": "anna.smirnova@client.example",
    "quirk_mbox_quoted_separator": "olga@client.example",
    "quirk_header_line_without_colon": "p.sidorov@client.example",
    "quirk_space_before_colon": "s.volkov@client.example",
    "quirk_rfc5322_a5_comments": "pete@silly.test",
    "quirk_quoted_local_part": '"joe q.public"@example.com',
    "quirk_reply_to_fallback": "robot@monitoring.example",
    "quirk_mbox_only_sender": "nina.orlova@client.example",
    "quirk_iso2022jp_cp50220": "yamada@client.example.jp",
}


def _requester(ticket: Ticket) -> str:
    person = ticket.requester_contact or ticket.requester_employee
    return person.email if person is not None else ticket.requester_email


def test_quirky_headers_keep_their_sender(cast, mailbox, make_connection):
    for name in [*SENDERS, "quirk_no_sender_anywhere"]:
        mailbox.deliver((CORPUS / f"{name}.eml").read_bytes())
    conn = make_connection("imap", "ssl", processed_folder="INBOX/Processed", error_folder="INBOX/Errors")

    poll(conn)

    entries = {e.subject: e for e in ProcessedMessage.objects.filter(connection=conn)}
    tickets = {e.ticket.subject: _requester(e.ticket) for e in entries.values() if e.ticket_id}
    assert sorted(tickets.values()) == sorted(SENDERS.values())
    assert entries["Disk C: 95% full"].reason == "no usable From header; sender taken from Reply-To"
    assert entries["Exported from an archive"].reason.endswith("sender taken from mbox separator line")
    assert entries["Testing"].reason == ""  # From was usable, comments and all
    parked = entries["Nobody at all"]
    assert parked.result == MailResult.ERROR and parked.reason == "the message has no sender address"
    assert maildir_count(mailbox, "INBOX/Errors") == 1
    assert maildir_count(mailbox, "INBOX/Processed") == len(SENDERS)

"""The hostile messages of corpus/hostile.py and CPython's e-mail test messages go through the
whole intake over real IMAP: each becomes a ticket, a comment, an ignored or duplicate entry, or an
error with a reason in the error folder; nothing stays in INBOX, no poll fails, and every stored
attachment lies inside MEDIA_ROOT under the attachments folder."""

from __future__ import annotations

import email
from pathlib import Path

import pytest

from mailconf.inbound import process_raw
from mailconf.inbound.ledger import apply_outcome
from mailconf.models import IncomingConnection, ProcessedMessage
from mailconf.models.incoming import DONE_RESULTS, MailResult
from mailconf.tests.corpus.hostile import DEFECTS, hostile_cases
from servicedesk.models import Attachment

from .conftest import file_everything

pytestmark = pytest.mark.slow

CPYTHON_DATA = Path(email.__file__).resolve().parent.parent / "test" / "test_email" / "data"
# Refusals a service desk cannot avoid: nothing to file, or no one to answer.
ACCEPTABLE_ERRORS = (
    "cannot parse the message: message is empty",
    "cannot parse the message: header section is",
    "cannot parse the message: message has over",
    "cannot parse the message: not an RFC 5322 message",
    "the message has no sender address",
)


def _messages() -> dict[str, bytes]:
    # Each case its own Message-ID: most share one body, and dedupe would skip them as copies.
    messages = {
        f"hostile/{name}": raw.replace(b"<x1@client.example>", f"<{name}@client.example>".encode())
        for name, raw in hostile_cases().items()
    }
    for path in sorted(CPYTHON_DATA.glob("msg_*.txt")):
        messages[f"cpython/{path.name}"] = path.read_bytes()
    return messages


def test_every_hostile_message_is_filed_or_parked_with_a_reason(cast, mailbox, make_connection, settings):
    settings.MAIL_INCOMING_TICKETS_PER_SENDER_PER_HOUR = 0  # the cases share one sender
    messages = _messages()
    for raw in messages.values():
        mailbox.deliver(raw)
    conn = make_connection(
        "imap", "ssl", processed_folder="INBOX/Processed", error_folder="INBOX/Errors", unregistered="contact"
    )

    logged = file_everything(conn, mailbox, len(messages))
    errors = [(reason, subject) for result, reason, subject in logged if result == MailResult.ERROR]
    assert [e for e in errors if not e[0].startswith(ACCEPTABLE_ERRORS)] == []
    filed = {subject for result, _reason, subject in logged if result == MailResult.TICKET}
    assert len(filed) > len(DEFECTS)

    media = Path(settings.MEDIA_ROOT).resolve()
    for attachment in Attachment.objects.all():
        stored = Path(attachment.file.path).resolve()
        assert stored.is_relative_to(media / "attachments"), stored
        assert "/" not in attachment.filename and not attachment.filename.startswith(".")


@pytest.mark.parametrize(
    "name",
    [
        "nul_in_address",
        "auto_submitted_nul",
        "nul_bytes_everywhere",
        "lone_surrogate_utf16",
        "refused_with_nested_comments",
        "from_name_100k",
    ],
)
def test_values_no_column_can_hold_are_kept_out_of_the_tables(cast, name):
    """NUL bytes, lone surrogates and over-long names would fail the row (and, for the mail log
    row, the whole chunk). IMAP servers replace NUL bytes on the way out, so this goes around
    them: a POP3 or Exchange server (and "Reprocess", reading the stored raw file) hands over the
    bytes as they came."""
    conn = IncomingConnection.objects.create(name="direct", protocol="pop3", host="mail.example")
    entry = ProcessedMessage(connection=conn, connection_name=conn.name, server_id=name, attempts=1)
    raw = hostile_cases()[name].replace(b"<x1@client.example>", f"<{name}@client.example>".encode())
    apply_outcome(entry, process_raw(conn, entry, raw))
    entry.refresh_from_db()
    if name.startswith("refused_"):
        assert entry.result == MailResult.ERROR and entry.reason.startswith("cannot parse the message: header section")
    else:
        assert entry.result in DONE_RESULTS, entry.reason
    assert "\x00" not in entry.sender + entry.subject + entry.reason

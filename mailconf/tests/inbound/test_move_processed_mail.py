"""Folders: which are scanned ("," / ";" and "/" / "\\"), and where processed and failed mail goes."""

from __future__ import annotations

import pytest
from django.test import override_settings

from mailconf.models import MailResult, ProcessedMessage
from notifications.models import Occurrence
from servicedesk.models import Ticket

from .conftest import maildir_count, make_mail, poll

pytestmark = pytest.mark.slow


def test_scans_the_listed_folders_with_either_separator(cast, mailbox, make_connection):
    conn = make_connection(folders="INBOX/Support; INBOX\\Sales , INBOX")
    mailbox.deliver(make_mail(subject="in support"), folder="INBOX/Support")
    mailbox.deliver(make_mail(subject="in sales"), folder="INBOX/Sales")
    mailbox.deliver(make_mail(subject="in inbox"))
    mailbox.deliver(make_mail(subject="not scanned"), folder="INBOX/Private")

    counts = poll(conn)

    assert counts.tickets == 3
    assert set(Ticket.objects.values_list("subject", flat=True)) == {"in support", "in sales", "in inbox"}
    assert maildir_count(mailbox, "INBOX/Private") == 1


def test_processed_and_failed_mail_is_moved_never_deleted(cast, mailbox, make_connection):
    conn = make_connection(processed_folder="INBOX/Done", error_folder="INBOX\\Failed", unregistered="refuse")
    mailbox.deliver(make_mail(subject="good"))
    mailbox.deliver(b"From: \r\nSubject: no sender at all\r\n\r\nbody\r\n")

    counts = poll(conn)

    assert (counts.tickets, counts.failed) == (1, 1)
    assert maildir_count(mailbox) == 0
    assert maildir_count(mailbox, "INBOX/Done") == 1 and maildir_count(mailbox, "INBOX/Failed") == 1
    failed = ProcessedMessage.objects.get(result=MailResult.ERROR)
    assert failed.acknowledged_at is not None and "no sender" in failed.reason
    # Technologists hear about mail that could not be processed.
    event = Occurrence.objects.get(event="mail.unprocessable")
    assert event.data["context"]["MAIL_SUBJECT"] == "no sender at all"


@override_settings(MAIL_INCOMING_MAX_BYTES=20_000)
@pytest.mark.parametrize("protocol", ["imap", "pop3"])
def test_oversized_mail_takes_the_error_path_without_being_downloaded(cast, mailbox, make_connection, protocol):
    fields = {"error_folder": "Too big"} if protocol == "imap" else {}
    conn = make_connection(protocol, **fields)
    mailbox.deliver(make_mail(attachment=("big.bin", b"x" * 40_000)))
    mailbox.deliver(make_mail(subject="small"))

    counts = poll(conn)

    assert (counts.fetched, counts.tickets, counts.failed) == (1, 1, 1)
    entry = ProcessedMessage.objects.get(result=MailResult.ERROR)
    assert "over the 20000 byte limit" in entry.reason and not entry.raw
    if protocol == "imap":
        assert maildir_count(mailbox, "Too big") == 1 and maildir_count(mailbox) == 0
    else:
        assert maildir_count(mailbox) == 1


def test_unparseable_mail_goes_to_the_error_folder_and_the_log_still_names_it(cast, mailbox, make_connection):
    conn = make_connection(error_folder="Failed")
    flood = b"".join(b"X-Noise-%d: v\r\n" % n for n in range(1100))
    mailbox.deliver(b"From: Robot <robot@client.example>\r\nSubject: header flood\r\n" + flood + b"\r\nbody\r\n")

    counts = poll(conn)

    entry = ProcessedMessage.objects.get()
    assert counts.failed == 1 and entry.result == MailResult.ERROR and "cannot parse" in entry.reason
    assert (entry.sender, entry.subject) == ("robot@client.example", "header flood")
    assert maildir_count(mailbox, "Failed") == 1 and maildir_count(mailbox) == 0


def test_a_parser_crash_on_one_message_does_not_block_the_next(cast, mailbox, make_connection, monkeypatch):
    from mailconf.inbound import intake

    conn = make_connection(error_folder="Failed")
    real_parse = intake.parse_message

    def crash_on_marker(raw, **kwargs):
        if b"crash-me" in raw:
            raise IndexError("parser bug")
        return real_parse(raw, **kwargs)

    monkeypatch.setattr(intake, "parse_message", crash_on_marker)
    mailbox.deliver(make_mail(subject="crash-me"))
    mailbox.deliver(make_mail(subject="fine"))

    counts = poll(conn)

    assert (counts.tickets, counts.failed) == (1, 1)
    entry = ProcessedMessage.objects.get(result=MailResult.ERROR)
    assert "IndexError: parser bug" in entry.reason and entry.subject == "crash-me"
    assert maildir_count(mailbox, "Failed") == 1

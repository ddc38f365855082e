"""A big poll parses and keeps raw files in a forked helper process while the poller records the
previous chunk (staging.py): the same mail log as parsing in the poller, and a helper that dies or
a parser that crashes in it costs nothing but speed."""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage

from mailconf.inbound import intake, staging
from mailconf.inbound.ledger import read_raw
from mailconf.models import MailResult, ProcessedMessage, RawMail
from mailconf.parsing import parse_message
from servicedesk.models import Attachment, Comment, Ticket

from .conftest import PNG, maildir_count, make_mail, poll

pytestmark = pytest.mark.slow


@pytest.fixture
def helpers(monkeypatch: pytest.MonkeyPatch, settings: Any) -> list[staging.ParseHelper]:
    """Every helper a poll starts; chunks of 4 so a dozen messages make a pipelined poll."""
    settings.MAIL_INCOMING_COMMIT_EVERY = 4
    settings.MAIL_INCOMING_PARSE_HELPERS = 1
    started: list[staging.ParseHelper] = []
    real = staging.ParseHelper

    class Spy(real):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            super().__init__()
            started.append(self)

    monkeypatch.setattr(staging, "ParseHelper", Spy)
    return started


def deliver_mixed(mailbox: Any, count: int) -> list[bytes]:
    mails = []
    for n in range(count):
        if n % 5 == 3:
            raw = make_mail(subject=f"Request {n}", attachment=(f"log-{n}.txt", b"line\n" * 50))
        elif n % 5 == 4:
            raw = make_mail(subject=f"Re: Request {n - 1}", body="Any news?", inline_image=True)
        else:
            raw = make_mail(subject=f"Request {n}", sender=f"user{n}@client.example")
        mails.append(raw)
        mailbox.deliver(raw)
    return mails


def test_a_big_poll_parses_in_a_helper_and_files_every_message_once(
    cast: Any, mailbox: Any, make_connection: Any, helpers: list[staging.ParseHelper]
) -> None:
    conn = make_connection()
    deliver_mixed(mailbox, 14)

    counts = poll(conn)

    assert len(helpers) == 1, "a poll of four chunks starts one helper"
    assert not helpers[0]._process.is_alive(), "the helper ends with its poll"
    assert (counts.fetched, counts.tickets, counts.failed, counts.acknowledged) == (14, 14, 0, 14)
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == sorted(
        [f"Request {n}" for n in range(14) if n % 5 != 4] + [f"Re: Request {n - 1}" for n in range(14) if n % 5 == 4]
    )
    assert Attachment.objects.filter(filename__startswith="log-").count() == 3
    assert Attachment.objects.filter(filename="logo.png").count() == 2
    for entry in ProcessedMessage.objects.all():
        raw = read_raw(entry)  # the helper wrote the file the row names, with the exact bytes
        assert len(raw) == entry.size
        assert parse_message(raw).subject == entry.subject
    assert maildir_count(mailbox) == 0


def test_small_polls_parse_in_the_poller(
    cast: Any, mailbox: Any, make_connection: Any, helpers: list[staging.ParseHelper]
) -> None:
    conn = make_connection()
    deliver_mixed(mailbox, 4)

    assert poll(conn).tickets == 4
    assert helpers == [], "one chunk: nothing to overlap, no process to fork"


def test_the_poll_is_finished_in_the_poller_when_the_helper_is_killed(
    cast: Any,
    mailbox: Any,
    make_connection: Any,
    helpers: list[staging.ParseHelper],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    conn = make_connection()
    deliver_mixed(mailbox, 14)
    real_receive = staging.ParseHelper.receive
    answers = 0

    def receive_after_a_kill(self: staging.ParseHelper) -> list[staging.Done]:
        nonlocal answers
        answers += 1
        if answers == 2:  # the helper holds a chunk the poller already sent it
            os.kill(self._process.pid, signal.SIGKILL)
        return real_receive(self)

    monkeypatch.setattr(staging.ParseHelper, "receive", receive_after_a_kill)

    with caplog.at_level(logging.WARNING, logger="mailconf.inbound.staging"):
        counts = poll(conn)

    assert "the parse helper of imap-none stopped" in caplog.text
    assert (counts.tickets, counts.failed, counts.acknowledged) == (14, 0, 14)
    assert Ticket.objects.count() == 14
    assert ProcessedMessage.objects.filter(result=MailResult.TICKET).count() == 14
    assert all(len(read_raw(entry)) == entry.size for entry in ProcessedMessage.objects.all())


def test_a_parser_crash_in_the_helper_is_that_messages_error(
    cast: Any,
    mailbox: Any,
    make_connection: Any,
    helpers: list[staging.ParseHelper],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    conn = make_connection(error_folder="INBOX/Errors")
    deliver_mixed(mailbox, 9)
    real_parse = intake.parse_message

    def parse_or_crash(raw: bytes, **options: Any) -> Any:
        if b"Subject: Request 6" in raw:
            raise RuntimeError("a parser bug")
        return real_parse(raw, **options)

    # Patched before the helper is forked, so the helper runs it.
    monkeypatch.setattr(intake, "parse_message", parse_or_crash)

    with caplog.at_level(logging.ERROR, logger="mailconf.inbound.intake"):
        counts = poll(conn)

    assert len(helpers) == 1
    assert (counts.tickets, counts.failed) == (8, 1)
    failed = ProcessedMessage.objects.get(result=MailResult.ERROR)
    assert failed.reason == "cannot parse the message: RuntimeError: a parser bug"
    assert failed.subject == "Request 6", "described from its headers"
    # The helper's traceback reaches the poller's log.
    assert "parsing failed for message" in caplog.text and "RuntimeError: a parser bug" in caplog.text
    assert maildir_count(mailbox, "INBOX/Errors") == 1


def test_raw_files_are_written_by_the_helper_when_chosen(
    cast: Any, mailbox: Any, make_connection: Any, helpers: list[staging.ParseHelper], settings: Any
) -> None:
    settings.MAIL_RAW_STORAGE = "files"
    conn = make_connection()
    deliver_mixed(mailbox, 10)

    assert poll(conn).tickets == 10
    assert len(helpers) == 1
    assert not RawMail.objects.exists()
    for entry in ProcessedMessage.objects.all():
        assert entry.raw.name.startswith("mail/raw/") and not entry.raw_in_database
        assert parse_message(entry.raw.read()).subject == entry.subject


def test_kept_attachments_of_mail_that_files_none_are_deleted(
    cast: Any, mailbox: Any, make_connection: Any, helpers: list[staging.ParseHelper], settings: Any
) -> None:
    conn = make_connection()
    deliver_mixed(mailbox, 8)
    for n in range(3):  # automatic replies: ignored, their attachments kept ahead for nothing
        mailbox.deliver(
            make_mail(
                subject=f"Out of office {n}",
                headers={"Auto-Submitted": "auto-replied"},
                attachment=(f"vacation-{n}.txt", b"back on Monday"),
            )
        )

    counts = poll(conn)

    assert (counts.tickets, counts.ignored) == (8, 3)
    folder = Path(settings.MEDIA_ROOT) / "attachments"
    kept = {path.name for path in folder.rglob("*") if path.is_file()}
    assert not [name for name in kept if name.startswith("vacation-")]
    rows = Attachment.objects.filter(filename__startswith="log-")
    assert rows.count() == 1 and all(Path(row.file.path).name in kept for row in rows)


def test_with_another_storage_the_poller_keeps_the_raw_files(
    cast: Any, mailbox: Any, make_connection: Any, helpers: list[staging.ParseHelper], settings: Any
) -> None:
    settings.MAIL_RAW_STORAGE = "files"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    conn = make_connection()
    deliver_mixed(mailbox, 10)

    counts = poll(conn)

    assert len(helpers) == 1, "the helper still parses"
    assert counts.tickets == 10
    for entry in ProcessedMessage.objects.all():
        assert default_storage.exists(entry.raw.name)
        assert parse_message(default_storage.open(entry.raw.name).read()).subject == entry.subject
    assert Comment.objects.count() == 0


def test_no_helper_when_switched_off(
    cast: Any, mailbox: Any, make_connection: Any, helpers: list[staging.ParseHelper], settings: Any
) -> None:
    settings.MAIL_INCOMING_PARSE_HELPERS = 0
    conn = make_connection()
    deliver_mixed(mailbox, 14)

    assert poll(conn).tickets == 14
    assert helpers == []
    png = Attachment.objects.filter(filename="logo.png").first()
    assert png is not None and png.file.read() == PNG


def test_two_helpers_take_the_chunks_in_turn(
    cast: Any, mailbox: Any, make_connection: Any, helpers: list[staging.ParseHelper], settings: Any
) -> None:
    settings.MAIL_INCOMING_PARSE_HELPERS = 2
    conn = make_connection()
    deliver_mixed(mailbox, 22)

    counts = poll(conn)

    assert len(helpers) == 2
    assert (counts.tickets, counts.failed, counts.acknowledged) == (22, 0, 22)
    assert all(not helper._process.is_alive() for helper in helpers), "each helper exits with the poll"
    assert sorted(ProcessedMessage.objects.values_list("subject", flat=True)) == sorted(
        Ticket.objects.values_list("subject", flat=True)
    )

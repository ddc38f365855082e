"""Every message of both corpora (our nasty generated ones and the public real-world ones) goes
through the whole intake over real IMAP: each ends in the processed or the error folder with a
logged result, nothing stays on the server, nothing is left half-done."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailconf.models.incoming import MailResult

from .conftest import file_everything

pytestmark = pytest.mark.slow

TESTS = Path(__file__).resolve().parent.parent
NOT_MAIL_SUFFIXES = {".json", ".html", ".py", ".md"}


def _corpus_files() -> list[Path]:
    files = sorted((TESTS / "corpus").glob("*.eml"))
    for path in sorted((TESTS / "realworld").rglob("*")):
        if (
            path.is_file()
            and path.suffix not in NOT_MAIL_SUFFIXES
            and not path.name.startswith(("LICENSE", "NOTICE"))
            and not path.name.endswith("_reply.txt")
        ):
            files.append(path)
    return files


def test_every_corpus_message_is_filed_or_parked_with_a_reason(cast, mailbox, make_connection):
    files = _corpus_files()
    assert len(files) > 80
    for path in files:
        mailbox.deliver(path.read_bytes())
    conn = make_connection("imap", "ssl", processed_folder="INBOX/Processed", error_folder="INBOX/Errors")

    logged = file_everything(conn, mailbox, len(files), polls=10)
    errors = [row for row in logged if row[0] == MailResult.ERROR]
    assert all(reason.strip() for _result, reason, _subject in errors), errors
    # Only input no service desk could act on may fail: no sender to answer, or not a mail at all.
    acceptable = ("the message has no sender address", "not an RFC 5322 message")
    assert all(reason.startswith(acceptable) for _result, reason, _subject in errors), errors
    assert len(errors) < len(files) // 10

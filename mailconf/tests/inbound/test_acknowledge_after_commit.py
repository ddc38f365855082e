"""Exactly once: acknowledge only after commit; crashes on either side lose nothing and duplicate nothing."""

from __future__ import annotations

import time

import pytest

from mailconf.inbound import intake
from mailconf.models import MailResult, ProcessedMessage
from mailconf.protocols.imap import ImapMailbox
from mailconf.protocols.pop3 import Pop3Mailbox
from servicedesk.models import Ticket

from .conftest import maildir_count, make_mail, poll

pytestmark = pytest.mark.slow


class Killed(BaseException):
    """Stands for the worker dying (SIGKILL, OOM): not an Exception, so nothing may swallow it."""


@pytest.mark.parametrize("protocol", ["imap", "pop3"])
def test_crash_between_commit_and_acknowledge_only_acknowledges_next_time(
    cast, mailbox, make_connection, monkeypatch, protocol
):
    conn = make_connection(protocol)
    mailbox.deliver(make_mail())
    box_class = ImapMailbox if protocol == "imap" else Pop3Mailbox

    def die(self, msgs, *, outcome):
        raise Killed

    with monkeypatch.context() as patch:
        # Both paths: IMAP acknowledges a chunk in one command, POP3 one message at a time.
        patch.setattr(box_class, "acknowledge", die)
        patch.setattr(box_class, "acknowledge_many", die)
        with pytest.raises(Killed):
            poll(conn)
    assert Ticket.objects.count() == 1 and maildir_count(mailbox) == 1
    assert ProcessedMessage.objects.get().acknowledged_at is None

    counts = poll(conn)

    assert (counts.fetched, counts.tickets, counts.acknowledged) == (0, 0, 1)
    assert Ticket.objects.count() == 1 and maildir_count(mailbox) == 0
    assert ProcessedMessage.objects.get().acknowledged_at is not None


@pytest.mark.parametrize("protocol", ["imap", "pop3"])
def test_kill_before_commit_leaves_the_message_for_the_next_poll(cast, mailbox, make_connection, monkeypatch, protocol):
    conn = make_connection(protocol)
    mailbox.deliver(make_mail())
    real_open_ticket = intake.open_ticket

    def open_then_die(*args, **kwargs):
        real_open_ticket(*args, **kwargs)
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(intake, "open_ticket", open_then_die)
        with pytest.raises(Killed):
            poll(conn)
    assert not Ticket.objects.exists() and not ProcessedMessage.objects.exists()
    assert maildir_count(mailbox) == 1

    counts = poll(conn)

    assert counts.tickets == 1 and Ticket.objects.count() == 1 and maildir_count(mailbox) == 0
    assert poll(conn).fetched == 0


def test_the_same_message_delivered_twice_is_a_duplicate(cast, mailbox, make_connection):
    conn = make_connection()
    raw = make_mail(message_id="<twice@client.example>")
    mailbox.deliver(raw)
    mailbox.deliver(raw)

    counts = poll(conn)

    assert (counts.tickets, counts.duplicates) == (1, 1)
    assert Ticket.objects.count() == 1 and maildir_count(mailbox) == 0
    duplicate = ProcessedMessage.objects.get(result=MailResult.DUPLICATE)
    assert duplicate.duplicate_of.result == MailResult.TICKET


def test_a_new_uidvalidity_does_not_reimport(cast, mailbox, make_connection, monkeypatch):
    conn = make_connection(processed_folder="Done")
    raw = make_mail(message_id="<kept@client.example>")
    mailbox.deliver(raw)
    poll(conn)
    first = ProcessedMessage.objects.get()
    # The mailbox is rebuilt (as after a server migration): same message, new UIDVALIDITY/UID.
    mailbox.server.reset_user(mailbox.login)
    time.sleep(1.1)  # Dovecot derives UIDVALIDITY from the clock in seconds
    mailbox.deliver(make_mail(subject="filler, takes UID 1"))
    mailbox.deliver(raw)

    counts = poll(conn)

    again = ProcessedMessage.objects.get(message_id="kept@client.example", result=MailResult.DUPLICATE)
    assert again.server_id.split(":")[0] != first.server_id.split(":")[0] and again.duplicate_of == first
    assert (counts.tickets, counts.duplicates) == (1, 1) and Ticket.objects.count() == 2
    assert maildir_count(mailbox) == 0 and maildir_count(mailbox, "Done") == 2


def test_a_failing_message_does_not_block_the_ones_behind_it(cast, mailbox, make_connection, monkeypatch):
    conn = make_connection("pop3")
    mailbox.deliver(make_mail(sender="poison@romashka.example", subject="poison"))
    mailbox.deliver(make_mail(subject="fine"))
    real = intake.open_ticket

    def explode_on_poison(connection, parsed, sender, *rest):
        if parsed.subject == "poison":
            raise RuntimeError("boom")
        return real(connection, parsed, sender, *rest)

    monkeypatch.setattr(intake, "open_ticket", explode_on_poison)
    counts = poll(conn)

    assert (counts.tickets, counts.failed) == (1, 1)
    assert Ticket.objects.get().subject == "fine"
    error = ProcessedMessage.objects.get(result=MailResult.ERROR)
    assert "RuntimeError: boom" in error.reason
    # POP3 has no error folder: the failed message stays on the server, marked in the ledger and skipped.
    assert maildir_count(mailbox) == 1
    again = poll(conn)
    assert (again.fetched, again.failed) == (0, 0) and ProcessedMessage.objects.count() == 2

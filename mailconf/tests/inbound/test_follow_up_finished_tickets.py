"""A client's mail reply to a ticket nobody is working on: a resolved or waiting ticket resumes; a
closed or cancelled one never changes and, per the connection's rule, gets a linked follow-up
ticket (the default), a comment without reopening, or a refusal by reply mail."""

from __future__ import annotations

import smtplib

import pytest

from mailconf.inbound import intake
from mailconf.models import ClosedTicketRule, MailResult, OutboxMessage, ProcessedMessage
from mailconf.protocols.imap import ImapMailbox
from notifications import catalogue
from notifications.models import Channel, Notification
from notifications.tests.factories import make_action, only_actions
from servicedesk.models import Comment, Ticket, TicketHistory, TicketStatus
from servicedesk.services.tickets import add_watcher, change_status, create_ticket

from .conftest import maildir_count, make_mail, poll

pytestmark = pytest.mark.slow


def _ticket(cast, *, status: str) -> Ticket:
    ticket = create_ticket(
        actor=cast.operator.user,
        ticket_type=cast.incident,
        subject="VPN does not connect",
        service=cast.email_service,
        requester_contact=cast.client,
        responsible_employee=cast.second_line,
        responsible_team=cast.team,
    )
    path = {
        TicketStatus.WAITING: [TicketStatus.WAITING],
        TicketStatus.RESOLVED: [TicketStatus.RESOLVED],
        TicketStatus.CLOSED: [TicketStatus.RESOLVED, TicketStatus.CLOSED],
        TicketStatus.CANCELLED: [TicketStatus.CANCELLED],
    }[status]
    for step in path:
        change_status(ticket=ticket, actor=cast.second_line.user, status=step, comment="Reinstalled the client.")
    return Ticket.objects.get(pk=ticket.pk)


def _reply(ticket: Ticket, sender: str = "kirill@romashka.example", **kwargs) -> bytes:
    body = kwargs.pop("body", "It broke again this morning.\n\nOn Monday the desk wrote:\n> Resolved\n")
    return make_mail(sender=sender, subject=f"Re: [#{ticket.pk}] VPN does not connect", body=body, **kwargs)


def _status_rows(ticket: Ticket) -> list[tuple[str, str]]:
    rows = TicketHistory.objects.filter(ticket=ticket, field="status").order_by("pk")
    return [(row.old_value, row.new_value) for row in rows]


# --- resolved and waiting tickets resume ---------------------------------------------------------


def test_requester_reply_resumes_a_resolved_ticket(cast, mailbox, make_connection):
    ticket = _ticket(cast, status=TicketStatus.RESOLVED)
    assert ticket.sla_running_since is None
    conn = make_connection()
    mailbox.deliver(_reply(ticket))

    counts = poll(conn)

    assert (counts.tickets, counts.comments) == (0, 1)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESUMED and ticket.resolved_at is None
    # The resolution clock restarts: it counts again in Resumed.
    assert ticket.sla_running_since is not None and ticket.resolution_deadline is not None
    comment = Comment.objects.get(ticket=ticket, source=Comment.Source.EMAIL)
    assert comment.body == "It broke again this morning." and not comment.is_private
    resumed = TicketHistory.objects.get(ticket=ticket, field="status", new_value=TicketStatus.RESUMED)
    assert resumed.old_value == TicketStatus.RESOLVED and resumed.actor == cast.client.user
    row = ProcessedMessage.objects.get()
    assert row.result == MailResult.COMMENT and row.ticket == ticket and "resumed" in row.reason


def test_requester_reply_puts_a_waiting_ticket_back_in_progress(cast, mailbox, make_connection):
    ticket = _ticket(cast, status=TicketStatus.WAITING)
    conn = make_connection()
    mailbox.deliver(_reply(ticket, body="Here is the log you asked for."))

    assert poll(conn).comments == 1

    ticket.refresh_from_db()
    # The lifecycle has no Waiting → Resumed; In progress is where a waiting ticket goes on.
    assert ticket.status == TicketStatus.IN_PROGRESS and ticket.sla_running_since is not None
    assert _status_rows(ticket)[-1] == (TicketStatus.WAITING, TicketStatus.IN_PROGRESS)


def test_a_watchers_reply_to_a_resolved_ticket_is_only_a_comment(cast, mailbox, make_connection):
    ticket = _ticket(cast, status=TicketStatus.RESOLVED)
    add_watcher(ticket=ticket, actor=None, email="boss@romashka.example")
    conn = make_connection()
    mailbox.deliver(_reply(ticket, sender="boss@romashka.example", body="Thanks!"))

    assert poll(conn).comments == 1

    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED
    assert Comment.objects.get(ticket=ticket, source=Comment.Source.EMAIL).body == "Thanks!"


# --- closed and cancelled tickets --------------------------------------------------------------


@pytest.mark.parametrize("status", [TicketStatus.CLOSED, TicketStatus.CANCELLED])
def test_reply_to_a_final_ticket_registers_a_linked_follow_up(cast, mailbox, make_connection, status):
    old = _ticket(cast, status=status)
    before = (old.updated_at, Comment.objects.filter(ticket=old).count())
    conn = make_connection(service=cast.email_service)
    mailbox.deliver(_reply(old))

    counts = poll(conn)

    assert (counts.tickets, counts.comments) == (1, 0)
    new = Ticket.objects.exclude(pk=old.pk).get()
    assert new.requester_contact == cast.client and new.status == TicketStatus.NEW
    assert new.service == cast.email_service and new.agreement == cast.base_agreement
    # The old number is not carried over: replies to the new ticket's mail must thread onto it.
    assert new.subject == "Re: VPN does not connect"
    assert f"#{old.pk}" in new.description and "It broke again this morning." in new.description
    assert "On Monday the desk wrote" not in new.description
    assert TicketHistory.objects.filter(ticket=new, field="follow_up_of", new_value=f"#{old.pk}").exists()
    old_after = Ticket.objects.get(pk=old.pk)
    assert old_after.status == status
    assert (old_after.updated_at, Comment.objects.filter(ticket=old).count()) == before
    assert TicketHistory.objects.filter(ticket=old, field="follow_up", new_value=f"#{new.pk}").exists()
    row = ProcessedMessage.objects.get()
    assert row.result == MailResult.TICKET and row.ticket == new and f"#{old.pk}" in row.reason


def test_comment_rule_adds_the_reply_without_reopening(cast, mailbox, make_connection):
    old = _ticket(cast, status=TicketStatus.CLOSED)
    conn = make_connection(closed_tickets=ClosedTicketRule.COMMENT)
    mailbox.deliver(_reply(old))

    assert (poll(conn).tickets, Ticket.objects.count()) == (0, 1)

    old.refresh_from_db()
    assert old.status == TicketStatus.CLOSED
    assert Comment.objects.get(ticket=old, source=Comment.Source.EMAIL).body == "It broke again this morning."
    assert "without reopening" in ProcessedMessage.objects.get().reason


def test_reject_rule_answers_in_the_requesters_language_and_changes_nothing(cast, mailbox, make_connection):
    old = _ticket(cast, status=TicketStatus.CLOSED)
    comments = Comment.objects.filter(ticket=old).count()
    conn = make_connection(closed_tickets=ClosedTicketRule.REJECT)
    mailbox.deliver(_reply(old, message_id="<late@client.example>"))

    counts = poll(conn)

    assert (counts.tickets, counts.comments, counts.ignored) == (0, 0, 1)
    assert Ticket.objects.count() == 1 and Comment.objects.filter(ticket=old).count() == comments
    assert Ticket.objects.get(pk=old.pk).status == TicketStatus.CLOSED
    answer = OutboxMessage.objects.get(kind="system")
    assert list(answer.recipients) == ["kirill@romashka.example"]
    assert answer.subject == f"[#{old.pk}] Заявка закрыта: ваше письмо не добавлено"
    assert "закрыта" in answer.text and "новым письмом" in answer.text
    assert answer.in_reply_to == "<late@client.example>" and answer.ticket_id == old.pk
    assert "refused with a reply mail" in ProcessedMessage.objects.get().reason


def test_reject_rule_answers_an_english_contact_in_english(cast, mailbox, make_connection):
    cast.client.language = "en"
    cast.client.save(update_fields=["language"])
    old = _ticket(cast, status=TicketStatus.CANCELLED)
    conn = make_connection(closed_tickets=ClosedTicketRule.REJECT)
    mailbox.deliver(_reply(old))

    poll(conn)

    answer = OutboxMessage.objects.get(kind="system")
    assert answer.subject == f"[#{old.pk}] The ticket is cancelled: your message was not added"
    assert "is cancelled" in answer.text


def test_reject_rule_sends_nothing_to_an_unknown_sender(cast, mailbox, make_connection):
    old = _ticket(cast, status=TicketStatus.CLOSED)
    our = OutboxMessage.objects.create(message_id="<n-7@desk.example>", ticket_id=old.pk, subject="Closed")
    conn = make_connection(closed_tickets=ClosedTicketRule.REJECT)
    mailbox.deliver(make_mail(sender="stranger@elsewhere.example", subject="Re: Closed", in_reply_to=our.message_id))

    assert poll(conn).ignored == 1

    assert not OutboxMessage.objects.filter(kind="system").exists()
    assert "unknown sender" in ProcessedMessage.objects.get().reason


def test_an_automatic_reply_to_a_closed_ticket_is_not_filed_on_it(cast, mailbox, make_connection):
    old = _ticket(cast, status=TicketStatus.CLOSED)
    comments = Comment.objects.filter(ticket=old).count()
    conn = make_connection()
    mailbox.deliver(_reply(old, headers={"Auto-Submitted": "auto-replied"}, body="I am on holiday."))

    assert poll(conn).ignored == 1

    assert Ticket.objects.count() == 1 and Comment.objects.filter(ticket=old).count() == comments


# --- exactly once --------------------------------------------------------------------------------


class Killed(BaseException):
    """The worker dying after the commit, before the server-side acknowledgement."""


def test_a_repoll_after_a_crash_does_not_register_a_second_follow_up(cast, mailbox, make_connection, monkeypatch):
    old = _ticket(cast, status=TicketStatus.CLOSED)
    conn = make_connection()
    mailbox.deliver(_reply(old))

    def die(self, msgs, *, outcome):
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(ImapMailbox, "acknowledge", die)
        patch.setattr(ImapMailbox, "acknowledge_many", die)
        with pytest.raises(Killed):
            poll(conn)
    assert Ticket.objects.count() == 2 and maildir_count(mailbox) == 1

    counts = poll(conn)

    assert (counts.fetched, counts.tickets, counts.acknowledged) == (0, 0, 1)
    assert Ticket.objects.count() == 2 and maildir_count(mailbox) == 0
    assert TicketHistory.objects.filter(ticket=old, field="follow_up").count() == 1


def test_the_same_reply_delivered_twice_registers_one_follow_up(cast, mailbox, make_connection):
    old = _ticket(cast, status=TicketStatus.CLOSED)
    conn = make_connection()
    raw = _reply(old, message_id="<again@client.example>")
    mailbox.deliver(raw)
    poll(conn)
    mailbox.deliver(raw)

    counts = poll(conn)

    assert (counts.tickets, counts.duplicates) == (0, 1)
    assert Ticket.objects.count() == 2
    assert TicketHistory.objects.filter(ticket=old, field="follow_up").count() == 1


def test_a_follow_up_rolled_back_leaves_no_link_on_the_old_ticket(cast, mailbox, make_connection, monkeypatch):
    old = _ticket(cast, status=TicketStatus.CLOSED)
    conn = make_connection()
    mailbox.deliver(_reply(old))

    def refuse(**kwargs):
        raise RuntimeError("link store is down")

    monkeypatch.setattr(intake, "link_follow_up", refuse)

    assert poll(conn).failed == 1

    assert Ticket.objects.count() == 1
    assert not TicketHistory.objects.filter(ticket=old, field="follow_up").exists()


# --- end to end over SMTP: what the client receives ------------------------------------------------


def _configure_outgoing(smtp) -> None:
    from mailconf.models import Encryption, OutgoingConnection

    conn = OutgoingConnection.load()
    conn.protocol, conn.host, conn.port = "smtp", smtp.plain.host, smtp.plain.port
    conn.encryption, conn.auth = Encryption.NONE, False
    conn.from_address, conn.reply_to, conn.sender_name = "desk@corp.example", "support@example.test", "Service desk"
    conn.notifications_enabled = True
    conn.save()


def _send(smtp, mailbox, raw: bytes) -> None:
    with smtplib.SMTP(smtp.plain.host, smtp.plain.port, timeout=10) as client:
        client.sendmail("kirill@romashka.example", [mailbox.address], raw)


def _to_client(smtp, count: int):
    return [m.parsed() for m in smtp.plain.wait_for_messages(count) if "kirill@romashka.example" in m.rcpt_tos]


@pytest.mark.django_db(transaction=True)
def test_the_acknowledgement_of_a_follow_up_names_the_new_ticket(cast, mailbox, make_connection, smtp):
    old = _ticket(cast, status=TicketStatus.CLOSED)
    OutboxMessage.objects.all().delete()  # the staff's mail so far: the client's inbox starts empty
    smtp.deliver_to(mailbox.server)
    _configure_outgoing(smtp)
    conn = make_connection("imap", "ssl")
    _send(smtp, mailbox, _reply(old))
    smtp.plain.wait_for_messages(1)

    assert poll(conn).tickets == 1

    new = Ticket.objects.exclude(pk=old.pk).get()
    ack = next(m for m in _to_client(smtp, 2) if "Auto-Submitted" in m)
    assert f"[#{new.pk}]" in ack["Subject"] and f"[#{old.pk}]" not in ack["Subject"]
    assert Ticket.objects.get(pk=old.pk).status == TicketStatus.CLOSED


@pytest.mark.django_db(transaction=True)
def test_the_refusal_reaches_the_client_over_smtp(cast, mailbox, make_connection, smtp):
    old = _ticket(cast, status=TicketStatus.CLOSED)
    OutboxMessage.objects.all().delete()  # the staff's mail so far: the client's inbox starts empty
    smtp.deliver_to(mailbox.server)
    _configure_outgoing(smtp)
    conn = make_connection("imap", "ssl", closed_tickets=ClosedTicketRule.REJECT)
    _send(smtp, mailbox, _reply(old, message_id="<late@client.example>"))
    smtp.plain.wait_for_messages(1)

    assert poll(conn).ignored == 1

    answer = next(m for m in _to_client(smtp, 2) if m["In-Reply-To"])
    assert answer["In-Reply-To"] == "<late@client.example>"
    assert answer["Subject"] == f"[#{old.pk}] Заявка закрыта: ваше письмо не добавлено"
    assert answer["Auto-Submitted"] == "auto-generated"
    assert Ticket.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_resuming_notifies_the_responsible(cast, mailbox, make_connection):
    only_actions(make_action(catalogue.TICKET_STATUS_CHANGED, Channel.PUSH, to_responsible=True))
    ticket = _ticket(cast, status=TicketStatus.RESOLVED)
    conn = make_connection()
    mailbox.deliver(_reply(ticket))

    poll(conn)

    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.RESUMED
    note = Notification.objects.filter(user=cast.second_line.user).order_by("pk").last()
    assert note is not None and note.ticket_id == ticket.pk and note.event == catalogue.TICKET_STATUS_CHANGED

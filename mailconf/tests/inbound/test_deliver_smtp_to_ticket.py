"""End to end: a message sent over SMTP lands in Dovecot and becomes a ticket."""

from __future__ import annotations

import smtplib

import pytest

from servicedesk.models import Ticket

from .conftest import maildir_count, make_mail, poll

pytestmark = pytest.mark.slow


def test_mail_sent_over_smtp_becomes_a_ticket(cast, mailbox, make_connection, smtp):
    smtp.deliver_to(mailbox.server)
    conn = make_connection("imap", "ssl")
    raw = make_mail(subject="Sent through SMTP", body="Hello from the outside.")

    with smtplib.SMTP(smtp.plain.host, smtp.plain.port, timeout=10) as client:
        client.sendmail("kirill@romashka.example", [mailbox.address], raw)
    smtp.plain.wait_for_messages(1)
    assert maildir_count(mailbox) == 1

    counts = poll(conn)

    assert counts.tickets == 1
    ticket = Ticket.objects.get()
    assert ticket.subject == "Sent through SMTP" and ticket.requester_contact == cast.client
    assert maildir_count(mailbox) == 0


def _configure_outgoing(smtp) -> None:
    from mailconf.models import Encryption, OutgoingConnection

    conn = OutgoingConnection.load()
    conn.protocol, conn.host, conn.port = "smtp", smtp.plain.host, smtp.plain.port
    conn.encryption, conn.auth = Encryption.NONE, False
    conn.from_address, conn.reply_to, conn.sender_name = "desk@corp.example", "support@example.test", "Service desk"
    conn.notifications_enabled = True
    conn.save()


@pytest.mark.django_db(transaction=True)
def test_full_loop_mail_ticket_notification_reply_comment(cast, mailbox, make_connection, smtp):
    """Client mail over SMTP → Dovecot → ticket → acknowledgement mail over SMTP → the client's
    reply to it over SMTP → Dovecot → a public comment on the same ticket, not a new ticket."""
    smtp.deliver_to(mailbox.server)
    _configure_outgoing(smtp)
    conn = make_connection("imap", "ssl")
    with smtplib.SMTP(smtp.plain.host, smtp.plain.port, timeout=10) as client:
        client.sendmail(
            "kirill@romashka.example",
            [mailbox.address],
            make_mail(subject="VPN не подключается", body="Ошибка 809 с утра."),
        )
    smtp.plain.wait_for_messages(1)

    assert poll(conn).tickets == 1
    ticket = Ticket.objects.get()
    acknowledgement = next(m for m in smtp.plain.wait_for_messages(2) if "kirill@romashka.example" in m.rcpt_tos)
    ack = acknowledgement.parsed()
    assert f"[#{ticket.pk}]" in ack["Subject"] and ack["Auto-Submitted"] == "auto-generated"

    reply = make_mail(
        subject=f"Re: {ack['Subject']}", body="Перезагрузил, всё равно ошибка.", in_reply_to=ack["Message-ID"]
    )
    with smtplib.SMTP(smtp.plain.host, smtp.plain.port, timeout=10) as client:
        client.sendmail("kirill@romashka.example", [mailbox.address], reply)
    counts = poll(conn)

    assert (counts.tickets, counts.comments) == (0, 1)
    assert Ticket.objects.count() == 1
    comment = ticket.comments.get(source="email")
    assert "Перезагрузил" in comment.body and not comment.is_private


@pytest.mark.django_db(transaction=True)
def test_full_loop_for_a_sender_nobody_registered(cast, mailbox, make_connection, smtp):
    """With default settings a stranger's mail becomes a ticket, the stranger gets the
    acknowledgement and the operator's public reply, and their answer is a comment on it."""
    from mailconf.models import OutgoingConnection
    from servicedesk.models import Contact, Employee
    from servicedesk.services.tickets import add_comment

    stranger = "nobody.knows@far-away.example"
    assert not Contact.objects.filter(email__iexact=stranger).exists()
    assert not Employee.objects.filter(email__iexact=stranger).exists()
    smtp.deliver_to(mailbox.server)
    _configure_outgoing(smtp)
    assert OutgoingConnection.load().notify_unregistered, "the default"
    conn = make_connection("imap", "ssl")
    with smtplib.SMTP(smtp.plain.host, smtp.plain.port, timeout=10) as client:
        client.sendmail(stranger, [mailbox.address], make_mail(sender=stranger, subject="Где мой заказ?"))
    smtp.plain.wait_for_messages(1)

    assert poll(conn).tickets == 1
    ticket = Ticket.objects.get()
    assert ticket.requester_email == stranger
    to_stranger = lambda: [m for m in smtp.plain.messages if stranger in m.rcpt_tos]  # noqa: E731
    smtp.plain.wait_for_messages(2)
    ack = to_stranger()[0].parsed()
    assert f"[#{ticket.pk}]" in ack["Subject"]

    add_comment(ticket=ticket, actor=cast.operator.user, body="Заказ отправлен сегодня.")
    smtp.plain.wait_for_messages(3)
    public_reply = to_stranger()[1].parsed()
    assert "Заказ отправлен сегодня." in public_reply.get_body(preferencelist=("plain",)).get_content()

    answer = make_mail(
        sender=stranger,
        subject=f"Re: {public_reply['Subject']}",
        body="Спасибо!",
        in_reply_to=public_reply["Message-ID"],
    )
    with smtplib.SMTP(smtp.plain.host, smtp.plain.port, timeout=10) as client:
        client.sendmail(stranger, [mailbox.address], answer)
    counts = poll(conn)

    assert (counts.tickets, counts.comments) == (0, 1)
    assert "Спасибо!" in ticket.comments.get(source="email").body


@pytest.mark.django_db(transaction=True)
def test_a_technologist_can_turn_off_mail_to_unregistered_senders(cast, mailbox, make_connection, smtp):
    from mailconf.models import OutboxMessage, OutgoingConnection

    stranger = "nobody.knows@far-away.example"
    _configure_outgoing(smtp)
    OutgoingConnection.objects.update(notify_unregistered=False)
    conn = make_connection()
    mailbox.deliver(make_mail(sender=stranger, subject="Где мой заказ?"))

    assert poll(conn).tickets == 1
    skipped = OutboxMessage.objects.get(ticket_id=Ticket.objects.get().pk)
    assert skipped.status == "skipped" and "not a registered user" in skipped.last_error
    assert not [m for m in smtp.plain.messages if stranger in m.rcpt_tos]

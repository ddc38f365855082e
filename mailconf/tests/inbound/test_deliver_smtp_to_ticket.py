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

"""Loops and noise: auto-replies, bounces, our own mail coming back, a robot flooding the desk."""

from __future__ import annotations

import pytest
from django.test import override_settings

from mailconf.models import MailResult, OutboxMessage, ProcessedMessage
from mailconf.parsing import ORIGIN_HEADER
from servicedesk.models import Comment, Ticket
from servicedesk.services.tickets import create_ticket

from .conftest import make_mail, poll

pytestmark = pytest.mark.slow

AUTO = {"Auto-Submitted": "auto-replied"}


@pytest.fixture
def ticket_with_mail(cast):
    ticket = create_ticket(actor=None, ticket_type=cast.incident, subject="Disk full", requester_contact=cast.client)
    OutboxMessage.objects.create(
        message_id="<note-1@desk.example>",
        ticket_id=ticket.pk,
        subject="Ticket registered",
        recipients={
            "kirill@romashka.example": {"status": "sent", "kind": "to"},
            "gone@romashka.example": {"status": "sent", "kind": "cc"},
        },
    )
    return ticket


def test_auto_reply_is_filed_privately_on_its_ticket(cast, mailbox, make_connection, ticket_with_mail):
    conn = make_connection(auto_replies="comment")
    mailbox.deliver(make_mail(subject="Out of office", headers=AUTO, in_reply_to="<note-1@desk.example>"))

    counts = poll(conn)

    comment = Comment.objects.get()
    assert counts.comments == 1 and comment.ticket == ticket_with_mail and comment.is_private
    assert Ticket.objects.count() == 1


def test_auto_reply_is_ignored_by_rule_or_without_a_ticket(cast, mailbox, make_connection, ticket_with_mail):
    conn = make_connection(auto_replies="ignore")
    mailbox.deliver(make_mail(subject="Out of office", headers=AUTO, in_reply_to="<note-1@desk.example>"))
    mailbox.deliver(make_mail(subject="Автоответ: в отпуске", headers=AUTO))

    counts = poll(conn)

    assert counts.ignored == 2 and not Comment.objects.exists() and Ticket.objects.count() == 1
    reasons = list(ProcessedMessage.objects.values_list("reason", flat=True))
    assert all("automatic reply" in reason for reason in reasons)


def test_bounce_marks_the_failed_recipient_and_opens_nothing(cast, mailbox, make_connection, ticket_with_mail):
    conn = make_connection()
    bounce = (
        b"From: Mail Delivery System <MAILER-DAEMON@mx.romashka.example>\r\n"
        b"To: support@example.test\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        b"Message-ID: <bounce-1@mx.romashka.example>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n"
        b"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.romashka.example\r\n\r\n"
        b"Final-Recipient: rfc822; gone@romashka.example\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        b"Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n"
        b"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <note-1@desk.example>\r\nSubject: Ticket registered\r\n"
        b"--B--\r\n"
    )
    mailbox.deliver(bounce)

    counts = poll(conn)

    assert counts.ignored == 1 and Ticket.objects.count() == 1 and not Comment.objects.exists()
    row = OutboxMessage.objects.get(message_id="<note-1@desk.example>")
    assert row.recipients["gone@romashka.example"]["status"] == "failed"
    assert "5.1.1" in row.recipients["gone@romashka.example"]["error"]
    assert row.recipients["kirill@romashka.example"]["status"] == "sent"
    entry = ProcessedMessage.objects.get()
    assert entry.outbox_message_id == "<note-1@desk.example>" and entry.ticket == ticket_with_mail
    assert entry.bounce["recipients"][0]["address"] == "gone@romashka.example"


def test_our_own_notification_coming_back_is_ignored(cast, mailbox, make_connection):
    conn = make_connection()
    mailbox.deliver(make_mail(subject="[#5] Ticket registered", headers={ORIGIN_HEADER: "desk.example"}))

    counts = poll(conn)

    assert counts.ignored == 1 and not Ticket.objects.exists()
    assert "our own mail" in ProcessedMessage.objects.get().reason


@override_settings(MAIL_INCOMING_TICKETS_PER_SENDER_PER_HOUR=3)
def test_a_looping_robot_is_stopped_by_the_rate_limit(cast, mailbox, make_connection):
    conn = make_connection()
    for n in range(5):
        mailbox.deliver(make_mail(sender="robot@monitoring.example", subject=f"ALERT {n}"))
    mailbox.deliver(make_mail(subject="a person"))

    counts = poll(conn)

    assert (counts.tickets, counts.ignored) == (4, 2)
    assert Ticket.objects.filter(requester_email="robot@monitoring.example").count() == 3
    assert ProcessedMessage.objects.filter(result=MailResult.IGNORED, reason__contains="rate limit").count() == 2

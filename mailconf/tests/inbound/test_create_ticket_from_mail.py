"""New mail becomes a ticket, over IMAP and POP3, plain and TLS; unregistered senders per the rule."""

from __future__ import annotations

import pytest

from mailconf.models import MailResult, ProcessedMessage, RawMail
from servicedesk.models import Contact, Ticket, TicketChannel

from .conftest import maildir_count, make_mail, poll

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("protocol", "encryption"),
    [
        ("imap", "none"),
        ("imap", "ssl"),
        ("imap", "starttls"),
        ("pop3", "none"),
        ("pop3", "ssl"),
    ],
)
def test_new_mail_becomes_a_ticket_and_leaves_the_server(cast, mailbox, make_connection, protocol, encryption):
    conn = make_connection(protocol, encryption)
    mailbox.deliver(make_mail(subject="Принтер не печатает", body="Печатает пустые листы."))

    counts = poll(conn)

    ticket = Ticket.objects.get()
    assert (counts.fetched, counts.tickets) == (1, 1)
    assert ticket.subject == "Принтер не печатает"
    assert "Печатает пустые листы." in ticket.description
    assert ticket.requester_contact == cast.client
    assert ticket.channel == TicketChannel.EMAIL
    entry = ProcessedMessage.objects.get()
    assert entry.result == MailResult.TICKET and entry.ticket == ticket and entry.acknowledged_at is not None
    # Kept in the database with the row (MAIL_RAW_STORAGE's default), exactly as received.
    assert entry.raw_in_database and not entry.raw
    assert bytes(RawMail.objects.get(entry=entry).data).startswith(b"From:")
    # Without processed/error folders the message is deleted once the ticket is committed.
    assert maildir_count(mailbox) == 0


def test_employee_sender_is_the_requester_and_rule_fields_apply(cast, mailbox, make_connection):
    conn = make_connection(ticket_type=cast.request, service=cast.email_service, team=cast.other_team)
    mailbox.deliver(make_mail(sender=cast.operator.email, subject="Need a mailbox"))

    poll(conn)

    ticket = Ticket.objects.get()
    assert ticket.requester_employee == cast.operator
    assert ticket.type == cast.request and ticket.service == cast.email_service
    assert ticket.responsible_team == cast.other_team
    assert ticket.agreement == cast.base_agreement


def test_attachments_and_inline_images_are_kept(cast, mailbox, make_connection):
    conn = make_connection()
    payload = bytes(range(256)) * 240  # 60 KB
    mailbox.deliver(make_mail(attachment=("report.bin", payload), inline_image=True))

    poll(conn)

    ticket = Ticket.objects.get()
    files = {a.filename: a for a in ticket.attachments.all()}
    assert files["report.bin"].file.read() == payload and not files["report.bin"].is_inline
    assert files["logo.png"].is_inline and files["logo.png"].content_id == "logo@client"


def test_unregistered_sender_keeps_the_bare_address(cast, mailbox, make_connection):
    conn = make_connection(unregistered="address")
    mailbox.deliver(make_mail(sender="stranger@nowhere.example", sender_name="Some Stranger"))

    poll(conn)

    ticket = Ticket.objects.get()
    assert ticket.requester_contact is None and ticket.requester_employee is None
    assert (ticket.requester_email, ticket.requester_name) == ("stranger@nowhere.example", "Some Stranger")


def test_unregistered_sender_becomes_a_contact_of_the_company_with_the_domain(cast, mailbox, make_connection):
    conn = make_connection(unregistered="contact")
    mailbox.deliver(make_mail(sender="new.person@romashka.example", sender_name="Мария Новикова"))
    mailbox.deliver(make_mail(sender="other@nowhere.example", subject="No company for this domain"))

    poll(conn)

    contact = Contact.objects.get(email="new.person@romashka.example")
    assert contact.company == cast.client_company and (contact.last_name, contact.first_name) == ("Новикова", "Мария")
    assert Ticket.objects.get(requester_contact=contact)
    assert Ticket.objects.get(requester_email="other@nowhere.example").requester_contact is None


def test_unregistered_sender_is_refused_when_the_rule_says_so(cast, mailbox, make_connection):
    conn = make_connection(unregistered="refuse")
    mailbox.deliver(make_mail(sender="stranger@nowhere.example"))

    counts = poll(conn)

    assert counts.ignored == 1 and not Ticket.objects.exists()
    entry = ProcessedMessage.objects.get()
    assert entry.result == MailResult.IGNORED and "not a registered" in entry.reason

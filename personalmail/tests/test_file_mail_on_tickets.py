"""A personal message filed on a ticket shows on the ticket card as mail with its attachments; a
ticket can be created from a message (requester = sender); deleting the mailbox keeps both."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.tests.factories import new_ticket
from personalmail.models import MessageLink, PersonalMailbox, PersonalMessage
from servicedesk.models import Attachment, Comment, Ticket
from servicedesk.testing.cast import PASSWORD

from .conftest import make_mail

pytestmark = pytest.mark.django_db


def test_link_to_ticket_then_delete_account_keeps_the_mail_on_the_card(client, cast, employee, connect, mail_servers):
    dovecot, _smtp = mail_servers
    dovecot.deliver(
        "user1", make_mail("Printer invoice", "Invoice for the toner.", attachment=("invoice.pdf", b"%PDF-inv"))
    )
    mailbox = connect(employee)
    message = mailbox.messages.get()
    ticket = new_ticket(cast)
    client.login(username=employee.username, password=PASSWORD)

    response = client.post(reverse("personalmail:link", args=[message.pk]), {"ticket": f"#{ticket.pk}"})
    assert response.status_code == 302
    client.post(reverse("personalmail:link", args=[message.pk]), {"ticket": str(ticket.pk)})  # twice: once
    comment = Comment.objects.get(ticket=ticket, source=Comment.Source.EMAIL)
    assert comment.body.startswith("Invoice for the toner.") and comment.is_private
    assert comment.author_email == "anna@client.example"
    assert [a.filename for a in Attachment.objects.filter(comment=comment)] == ["invoice.pdf"]
    card = client.get(reverse("ticket_detail", args=[ticket.pk])).content.decode()
    assert "Invoice for the toner." in card and "invoice.pdf" in card
    assert f"#{ticket.pk}" in client.get(reverse("personalmail:message", args=[message.pk])).content.decode()

    client.post(reverse("personalmail:delete"))
    assert not PersonalMailbox.objects.filter(user=employee).exists()
    assert not PersonalMessage.objects.exists()
    link = MessageLink.objects.get()
    assert link.message is None and link.comment == comment
    card = client.get(reverse("ticket_detail", args=[ticket.pk])).content.decode()
    assert "Invoice for the toner." in card and "invoice.pdf" in card
    assert Attachment.objects.get(comment=comment).file.read() == b"%PDF-inv"


def test_create_a_ticket_from_a_message_with_the_sender_as_requester(client, cast, employee, connect, mail_servers):
    dovecot, _smtp = mail_servers
    dovecot.deliver(
        "user1", make_mail("VPN does not connect", "Since this morning.", sender=f"Клиент <{cast.client.email}>")
    )
    mailbox = connect(employee)
    message = mailbox.messages.get()
    client.login(username=employee.username, password=PASSWORD)
    response = client.post(reverse("personalmail:create_ticket", args=[message.pk]), {"type": cast.request.pk})
    ticket = Ticket.objects.get(subject="VPN does not connect")
    assert response["Location"] == reverse("ticket_detail", args=[ticket.pk])
    assert ticket.requester_contact == cast.client and ticket.description.startswith("Since this morning.")
    assert MessageLink.objects.get(ticket=ticket).created_ticket


def test_linking_needs_a_ticket_the_employee_may_change(client, cast, connect, mail_servers):
    dovecot, _smtp = mail_servers
    dovecot.deliver("user1", make_mail("Hello"))
    # A second-line specialist sees only their team's tickets.
    mailbox = connect(cast.second_line_peer.user)
    message = mailbox.messages.get()
    foreign = new_ticket(cast, responsible_employee=cast.second_line, responsible_team=cast.team)
    client.login(username=cast.second_line_peer.user.username, password=PASSWORD)
    client.post(reverse("personalmail:link", args=[message.pk]), {"ticket": str(foreign.pk)})
    assert not MessageLink.objects.exists()

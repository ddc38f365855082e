"""Filing a personal message on a ticket, or registering a ticket from it.

The message becomes a private mail comment on the ticket (text, original HTML, attachments and
inline images copied into the ticket's own files), so the ticket card keeps the correspondence
when the mailbox, or the message in it, is deleted later; `MessageLink` remembers where it came from.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction

from servicedesk.models import Comment, Contact, Employee, Ticket, TicketType, User
from servicedesk.models.tickets import TicketChannel
from servicedesk.services.tickets import NewFile, add_comment, create_ticket

from ..models import MessageLink, PersonalMessage


def _files(message: PersonalMessage) -> list[NewFile]:
    files = []
    for attachment in message.attachments.all():
        with attachment.file.open("rb") as handle:
            content = handle.read()
        files.append(
            NewFile(
                file=ContentFile(content, name=attachment.filename),
                filename=attachment.filename,
                content_type=attachment.content_type,
                content_id=attachment.content_id,
                inline=attachment.is_inline,
            )
        )
    return files


def link_to_ticket(*, message: PersonalMessage, ticket: Ticket, actor: User) -> MessageLink:
    """File `message` on `ticket` (once; linking again returns the existing link)."""
    existing = MessageLink.objects.filter(message=message, ticket=ticket).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        comment = add_comment(
            ticket=ticket,
            actor=actor,
            body=message.text or message.subject,
            body_html=message.html,
            is_private=True,
            author_name=message.from_name or message.from_address,
            author_email=message.from_address,
            source=Comment.Source.EMAIL,
            files=_files(message),
        )
        return MessageLink.objects.create(ticket=ticket, comment=comment, message=message, created_by=actor)


def create_ticket_from_message(*, message: PersonalMessage, ticket_type: TicketType, actor: User) -> Ticket:
    """A new ticket with the message's subject and text; the requester is the sender (an employee
    or contact with that address when there is one, else the address and name alone)."""
    address = message.from_address
    employee = Employee.objects.filter(email__iexact=address).first() if address else None
    contact = None if employee else (Contact.objects.filter(email__iexact=address).first() if address else None)
    with transaction.atomic():
        ticket = create_ticket(
            actor=actor,
            ticket_type=ticket_type,
            subject=message.subject or message.text[:80] or "—",
            description=message.text,
            requester_employee=employee,
            requester_contact=contact,
            requester_email=address,
            requester_name=message.from_name,
            channel=TicketChannel.EMAIL,
            files=_files(message),
        )
        MessageLink.objects.create(ticket=ticket, message=message, created_by=actor, created_ticket=True)
    return ticket

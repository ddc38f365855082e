from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from servicedesk import events
from servicedesk.models import Agreement, Ticket, TicketHistory
from servicedesk.services.tickets import NewFile, create_ticket
from servicedesk.testing.cast import Cast


def test_ticket_gets_base_agreement_and_service_responsible(cast: Cast) -> None:
    ticket = create_ticket(
        actor=cast.operator.user,
        ticket_type=cast.incident,
        subject="  Почта   не ходит ",
        service=cast.email_service,
        requester_contact=cast.client,
    )
    assert ticket.subject == "Почта не ходит"
    assert ticket.agreement == cast.base_agreement
    assert ticket.responsible_team == cast.team
    assert ticket.requester_email == "kirill@romashka.example"
    assert ticket.reaction_deadline is not None and ticket.resolution_deadline > ticket.created_at
    assert ticket.history.get().kind == TicketHistory.Kind.CREATED


def test_service_without_agreement_is_refused(cast: Cast) -> None:
    with pytest.raises(ValidationError) as err:
        create_ticket(
            actor=None,
            ticket_type=cast.incident,
            subject="Принтер",
            service=cast.printer_service,
            requester_contact=cast.client,
        )
    assert "service" in err.value.message_dict
    assert not Ticket.objects.exists()


def test_specific_agreement_covers_service_for_its_recipients_only(cast: Cast) -> None:
    agreement = Agreement.objects.create(name="Печать для Ромашки", spread_over_org=True)
    agreement.services.add(cast.printer_service)
    agreement.companies.add(cast.client_company)
    ticket = create_ticket(
        actor=None,
        ticket_type=cast.incident,
        subject="Принтер",
        service=cast.printer_service,
        requester_contact=cast.client,
    )
    assert ticket.agreement == agreement
    with pytest.raises(ValidationError):
        create_ticket(
            actor=None,
            ticket_type=cast.incident,
            subject="Принтер",
            service=cast.printer_service,
            requester_contact=cast.outsider,
        )


def test_type_not_allowed_for_service_is_refused(cast: Cast) -> None:
    with pytest.raises(ValidationError) as err:
        create_ticket(
            actor=None,
            ticket_type=cast.request,
            subject="x",
            service=cast.printer_service,
            requester_email="a@b.example",
        )
    assert "type" in err.value.message_dict


def test_base_agreement_cannot_be_deleted(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        cast.base_agreement.delete()
    assert Agreement.objects.filter(is_base=True).count() == 1


def test_unregistered_address_and_attachment(cast: Cast) -> None:
    ticket = create_ticket(
        actor=None,
        ticket_type=cast.incident,
        subject="Hello",
        requester_email="stranger@nowhere.example",
        files=[NewFile(ContentFile(b"data"), "../../etc/passwd\x00.txt", "text/plain")],
    )
    attachment = ticket.attachments.get()
    assert attachment.filename == "passwd.txt"
    assert attachment.file.read() == b"data"


def test_created_event_is_emitted_after_commit(cast: Cast, django_capture_on_commit_callbacks) -> None:
    seen: list[events.DomainEvent] = []
    events.subscribe(seen.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            ticket = create_ticket(actor=None, ticket_type=cast.incident, subject="x", requester_email="a@b.example")
    finally:
        events.unsubscribe(seen.append)
    assert [(e.name, e.ticket_id) for e in seen] == [(events.TICKET_CREATED, ticket.pk)]


def test_long_file_name_keeps_its_extension(cast: Cast) -> None:
    ticket = create_ticket(
        actor=None,
        ticket_type=cast.incident,
        subject="Long",
        requester_email="a@b.example",
        files=[NewFile(ContentFile(b"x"), "Отчёт " * 80 + ".xlsx", "application/octet-stream")],
    )
    name = ticket.attachments.get().filename
    assert name.endswith(".xlsx") and len(name) <= 200


def test_long_extension_is_stored_under_a_short_name(cast: Cast) -> None:
    # Django shortens only the stem to fit the FileField's 100 characters; this "extension" alone
    # is longer, and used to fail the ticket with SuspiciousFileOperation.
    name = "report." + "b" * 150
    ticket = create_ticket(
        actor=None,
        ticket_type=cast.incident,
        subject="Long extension",
        requester_email="a@b.example",
        files=[NewFile(ContentFile(b"x"), name, "application/octet-stream")],
    )
    attachment = ticket.attachments.get()
    assert attachment.filename == name
    assert len(attachment.file.name) <= 100 and attachment.file.read() == b"x"

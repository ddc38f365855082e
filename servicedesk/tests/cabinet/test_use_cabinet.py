"""The client's personal cabinet: own tickets (or the company's with the flag), registration for a service
of the contact's agreements, public comments with files, closing a resolved ticket — and isolation:
another company's tickets, private comments and their files stay invisible, also by guessed URLs."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from servicedesk.models import Company, Contact, Ticket, TicketChannel, TicketStatus
from servicedesk.services.labels import switch_module
from servicedesk.services.tickets import NewFile, add_comment, change_status, create_ticket
from servicedesk.testing.cast import PASSWORD, Cast, make_user

pytestmark = pytest.mark.django_db


def as_client(client: Client, username: str = "client") -> Client:
    assert client.login(username=username, password=PASSWORD)
    return client


def ticket_for(cast: Cast, contact: Contact, subject: str) -> Ticket:
    return create_ticket(
        actor=None, ticket_type=cast.incident, subject=subject, requester_contact=contact, service=cast.email_service
    )


def test_contact_sees_own_tickets_and_not_others(client: Client, cast: Cast) -> None:
    mine = ticket_for(cast, cast.client, "Моя почта не работает")
    theirs = ticket_for(cast, cast.outsider, "Чужая заявка")
    as_client(client)
    home = client.get(reverse("cabinet_home")).content.decode()
    assert "Моя почта не работает" in home and "Чужая заявка" not in home
    assert client.get(reverse("cabinet_ticket", args=[mine.pk])).status_code == 200
    for url in (
        reverse("cabinet_ticket", args=[theirs.pk]),
        reverse("cabinet_comment", args=[theirs.pk]),
        reverse("ticket_detail", args=[theirs.pk]),
    ):
        response = client.post(url, {"body": "x"}) if "comments" in url else client.get(url)
        assert response.status_code in (302, 404), url
        if response.status_code == 302:
            assert response["Location"] == reverse("cabinet_home")
    assert not theirs.comments.exists()


def test_private_comments_and_their_files_stay_hidden(client: Client, cast: Cast) -> None:
    ticket = ticket_for(cast, cast.client, "С вложениями")
    operator = cast.operator.user
    add_comment(
        ticket=ticket, actor=operator, body="Публичный ответ", files=[NewFile(ContentFile(b"pub"), "public.txt")]
    )
    secret = add_comment(
        ticket=ticket,
        actor=operator,
        body="Секретная заметка",
        is_private=True,
        files=[NewFile(ContentFile(b"s"), "secret.txt")],
    )
    as_client(client)
    card = client.get(reverse("cabinet_ticket", args=[ticket.pk])).content.decode()
    assert "Публичный ответ" in card and "public.txt" in card
    assert "Секретная заметка" not in card and "secret.txt" not in card
    hidden = secret.attachments.get()
    assert client.get(reverse("cabinet_attachment", args=[hidden.pk])).status_code == 404
    public = ticket.attachments.get(filename="public.txt")
    response = client.get(reverse("cabinet_attachment", args=[public.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"pub"
    other = ticket_for(cast, cast.outsider, "Чужая")
    add_comment(ticket=other, actor=operator, body="x", files=[NewFile(ContentFile(b"o"), "other.txt")])
    assert client.get(reverse("cabinet_attachment", args=[other.attachments.get().pk])).status_code == 404


def test_company_wide_flag_shows_the_company_and_its_branches_only(client: Client, cast: Cast) -> None:
    branch = Company.objects.create(name="Ромашка, филиал", parent=cast.client_company)
    colleague = Contact.objects.create(company=branch, last_name="Коллегова", email="c@romashka.example")
    colleague_ticket = ticket_for(cast, colleague, "Заявка коллеги")
    outsider_ticket = ticket_for(cast, cast.outsider, "Чужая компания")
    as_client(client)
    assert client.get(reverse("cabinet_ticket", args=[colleague_ticket.pk])).status_code == 404
    Contact.objects.filter(pk=cast.client.pk).update(sees_company_tickets=True)
    page = client.get(reverse("cabinet_home") + "?scope=all").content.decode()
    assert "Заявка коллеги" in page and "Чужая компания" not in page
    assert client.get(reverse("cabinet_ticket", args=[colleague_ticket.pk])).status_code == 200
    assert client.get(reverse("cabinet_ticket", args=[outsider_ticket.pk])).status_code == 404
    mine_only = client.get(reverse("cabinet_home") + "?scope=mine").content.decode()
    assert "Заявка коллеги" not in mine_only


def test_register_a_ticket_for_a_service_of_the_agreements(client: Client, cast: Cast) -> None:
    as_client(client)
    form = client.get(reverse("cabinet_create")).content.decode()
    assert "Corporate e-mail" in form and "Printers" not in form  # printers are in no agreement of the contact
    choice = f"{cast.email_service.pk}:{cast.request.pk}"
    response = client.post(
        reverse("cabinet_create"),
        {
            "choice": choice,
            "subject": "Нужен общий ящик",
            "description": "Для отдела продаж",
            "files": SimpleUploadedFile("list.txt", b"sales@"),
        },
    )
    ticket = Ticket.objects.get(subject="Нужен общий ящик")
    assert response["Location"] == reverse("cabinet_ticket", args=[ticket.pk])
    assert ticket.requester_contact == cast.client and ticket.channel == TicketChannel.PORTAL
    assert ticket.type == cast.request and ticket.attachments.get().filename == "list.txt"
    refused = client.post(
        reverse("cabinet_create"),
        {"choice": f"{cast.printer_service.pk}:{cast.incident.pk}", "subject": "x", "description": "y"},
    )
    assert "Choose a service from the list" in refused.content.decode()


def test_comment_and_close_a_resolved_ticket(client: Client, cast: Cast) -> None:
    ticket = ticket_for(cast, cast.client, "Решим?")
    as_client(client)
    client.post(reverse("cabinet_comment", args=[ticket.pk]), {"body": "Спасибо, жду"})
    comment = ticket.comments.get()
    assert not comment.is_private and comment.author.username == "client"
    empty = client.post(reverse("cabinet_comment", args=[ticket.pk]), {"body": "  "})
    assert "Write a comment or attach a file" in empty.content.decode()
    change_status(ticket=ticket, actor=cast.operator.user, status=TicketStatus.RESOLVED, comment="Принтер заменён.")
    card = client.get(reverse("cabinet_ticket", args=[ticket.pk])).content.decode()
    assert "Confirm and close" in card and "Resolved" in card
    client.post(reverse("cabinet_decide", args=[ticket.pk]), {"decision": "close"})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED


def test_an_employee_without_operator_rights_uses_the_cabinet(client: Client, cast: Cast) -> None:
    from servicedesk.testing.cast import make_employee

    plain = make_employee("plain", cast.it_department, last_name="Простов")
    own = create_ticket(actor=None, ticket_type=cast.incident, subject="Своя", requester_employee=plain)
    ticket_for(cast, cast.client, "Клиентская")
    as_client(client, "plain")
    page = client.get(reverse("cabinet_home")).content.decode()
    assert "Своя" in page and "Клиентская" not in page
    assert client.get(reverse("cabinet_ticket", args=[own.pk])).status_code == 200


def test_nobody_else_gets_in(client: Client, cast: Cast) -> None:
    assert client.get(reverse("cabinet_home"))["Location"].startswith(reverse("login"))
    make_user("cardless")
    assert as_client(client, "cardless").get(reverse("cabinet_home")).status_code == 403
    Contact.objects.filter(pk=cast.client.pk).update(is_active=False)
    client.logout()
    assert as_client(client).get(reverse("cabinet_home")).status_code == 403


def test_the_cabinet_can_be_switched_off(client: Client, cast: Cast) -> None:
    as_client(client)
    switch_module(code="client_cabinet", enabled=False, actor=None)
    assert client.get(reverse("cabinet_home")).status_code == 404
    switch_module(code="client_cabinet", enabled=True, actor=None)
    assert client.get(reverse("cabinet_home")).status_code == 200

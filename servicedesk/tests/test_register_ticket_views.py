"""Registering a ticket from the operator form."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from servicedesk.models import Priority, Ticket
from servicedesk.testing.cast import PASSWORD, Cast

pytestmark = pytest.mark.django_db


def login(client: Client, username: str) -> Client:
    assert client.login(username=username, password=PASSWORD)
    return client


def test_form_offers_only_active_services(client: Client, cast: Cast) -> None:
    cast.printer_service.is_active = False
    cast.printer_service.save()
    form = login(client, "operator").get(reverse("ticket_create")).context["form"]
    assert list(form.fields["service"].queryset) == [cast.email_service]


def test_register_for_a_contact_with_file(client: Client, cast: Cast) -> None:
    login(client, "operator")
    response = client.post(
        reverse("ticket_create"),
        {
            "type": cast.incident.pk,
            "service": cast.email_service.pk,
            "requester": f"contact:{cast.client.pk}",
            "subject": "Cannot send mail",
            "description": "Error 550",
            "priority": Priority.HIGH,
            "files": [SimpleUploadedFile("shot.png", b"\x89PNG", content_type="image/png")],
        },
    )
    ticket = Ticket.objects.get(subject="Cannot send mail")
    assert response.status_code == 302
    assert response["Location"] == reverse("ticket_detail", args=[ticket.pk])
    assert ticket.requester_contact == cast.client
    assert ticket.responsible_team == cast.team  # taken from the service
    assert ticket.attachments.get().filename == "shot.png"


def test_register_for_a_bare_email(client: Client, cast: Cast) -> None:
    login(client, "operator")
    client.post(
        reverse("ticket_create"),
        {
            "type": cast.request.pk,
            "requester_email": "stranger@example.org",
            "subject": "Hello",
            "priority": Priority.NORMAL,
        },
    )
    assert Ticket.objects.get(subject="Hello").requester_email == "stranger@example.org"


def test_service_without_agreement_error_is_shown_next_to_service(client: Client, cast: Cast) -> None:
    login(client, "operator")
    response = client.post(
        reverse("ticket_create"),
        {
            "type": cast.incident.pk,
            "service": cast.printer_service.pk,
            "requester": f"employee:{cast.operator.pk}",
            "subject": "Printer",
            "priority": Priority.NORMAL,
        },
    )
    assert response.status_code == 200
    assert "No agreement provides the service" in response.context["form"].errors["service"][0]
    assert not Ticket.objects.exists()


def test_requester_is_required(client: Client, cast: Cast) -> None:
    login(client, "operator")
    response = client.post(reverse("ticket_create"), {"type": cast.incident.pk, "subject": "x", "priority": 3})
    assert response.context["form"].errors["requester"]


def test_requester_search_returns_options(client: Client, cast: Cast) -> None:
    login(client, "operator")
    body = client.get(reverse("requester_search"), {"requester_q": "Клиент"}).content.decode()
    assert f'value="contact:{cast.client.pk}"' in body
    assert f'value="employee:{cast.operator.pk}"' not in body

"""People directory and person cards, limited to what the user may see."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from servicedesk.services.tickets import create_ticket
from servicedesk.testing.cast import PASSWORD, Cast

pytestmark = pytest.mark.django_db


def login(client: Client, username: str) -> Client:
    assert client.login(username=username, password=PASSWORD)
    return client


def test_directory_shows_department_tree_and_search(client: Client, cast: Cast) -> None:
    login(client, "operator")
    body = client.get(reverse("people")).content.decode()
    assert "ИТ-департамент" in body and "Служба поддержки" in body and "Петров Пётр" in body and "202" in body
    found = client.get(reverse("people"), {"q": "202"}).content.decode()
    assert reverse("employee_detail", args=[cast.second_line.pk]) in found
    assert reverse("employee_detail", args=[cast.operator.pk]) not in found
    contacts = client.get(reverse("people"), {"tab": "contacts"}).content.decode()
    assert "ООО Ромашка" in contacts and "Клиентов Кирилл" in contacts


def test_employee_card_lists_visible_tickets(client: Client, cast: Cast) -> None:
    create_ticket(
        actor=None, ticket_type=cast.incident, subject="Operator's own issue", requester_employee=cast.operator
    )
    login(client, "operator")
    body = client.get(reverse("employee_detail", args=[cast.second_line.pk])).content.decode()
    assert "Вторая линия" in body and "202" in body
    card = client.get(reverse("employee_detail", args=[cast.operator.pk])).content.decode()
    assert "Operator&#x27;s own issue" in card or "Operator's own issue" in card


def test_second_line_sees_only_own_employee_card(client: Client, cast: Cast) -> None:
    login(client, "line2")
    assert client.get(reverse("employee_detail", args=[cast.second_line.pk])).status_code == 200
    assert client.get(reverse("employee_detail", args=[cast.operator.pk])).status_code == 404
    assert client.get(reverse("contact_detail", args=[cast.outsider.pk])).status_code == 404


def test_contact_card(client: Client, cast: Cast) -> None:
    create_ticket(actor=None, ticket_type=cast.incident, subject="Client problem", requester_contact=cast.client)
    login(client, "auditor")
    body = client.get(reverse("contact_detail", args=[cast.client.pk])).content.decode()
    assert "ООО Ромашка" in body and "Client problem" in body

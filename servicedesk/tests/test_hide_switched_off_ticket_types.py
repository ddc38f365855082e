"""Ticket types of a module switched off by its label (change requests, problems) leave the
operator's registration form and the card's reclassify form, as they leave the cabinet's; posting
one anyway is refused; a ticket that already has such a type keeps it on its card."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from servicedesk.models import Ticket, TicketType
from servicedesk.services.labels import switch_module
from servicedesk.services.tickets import create_ticket
from servicedesk.testing.cast import PASSWORD, Cast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def module_types(db: None) -> None:
    """The types the two modules own (a technologist creates them when the processes start)."""
    TicketType.objects.get_or_create(code="change_request", defaults={"name": "Запрос на изменение"})
    TicketType.objects.get_or_create(code="problem", defaults={"name": "Проблема"})


@pytest.fixture
def operator(cast: Cast) -> Client:
    browser = Client()
    assert browser.login(username="operator", password=PASSWORD)
    return browser


def _offered(response) -> set[str]:
    return set(response.context["form"].fields["type"].queryset.values_list("code", flat=True))


def test_registration_offers_no_type_of_a_switched_off_module(cast: Cast, operator: Client) -> None:
    url = reverse("ticket_create")
    assert {"change_request", "problem", "incident"} <= _offered(operator.get(url))
    switch_module(code="change_management", enabled=False, actor=None)
    offered = _offered(operator.get(url))
    assert "change_request" not in offered and {"problem", "incident"} <= offered
    html = operator.get(url).content.decode()
    change = TicketType.objects.get(code="change_request")
    type_select = re.search(r'<select name="type".*?</select>', html, re.S)
    assert type_select is not None and f'value="{change.pk}"' not in type_select.group(0)
    assert "Запрос на изменение" not in type_select.group(0)
    response = operator.post(url, {"type": change.pk, "subject": "Сменить роутер", "requester_email": "a@b.example"})
    assert response.status_code == 200 and "type" in response.context["form"].errors
    assert not Ticket.objects.filter(subject="Сменить роутер").exists()
    switch_module(code="change_management", enabled=True, actor=None)
    assert "change_request" in _offered(operator.get(url))


def test_reclassify_hides_them_but_keeps_the_tickets_own_type(cast: Cast, operator: Client) -> None:
    problem_type = TicketType.objects.get(code="problem")
    incident = create_ticket(
        actor=cast.operator.user, ticket_type=cast.incident, subject="Инцидент", requester_contact=cast.client
    )
    problem = create_ticket(
        actor=cast.operator.user, ticket_type=problem_type, subject="Проблема", requester_contact=cast.client
    )
    switch_module(code="problems", enabled=False, actor=None)

    def offered(ticket: Ticket) -> set[str]:
        form = operator.get(reverse("ticket_detail", args=[ticket.pk])).context["reclassify_form"]
        return set(form.fields["type"].queryset.values_list("code", flat=True))

    assert "problem" not in offered(incident)
    assert "problem" in offered(problem)  # its own type stays choosable (saving changes nothing else)
    response = operator.post(
        reverse("ticket_reclassify", args=[incident.pk]),
        {"edit-subject": "Инцидент", "edit-type": problem_type.pk, "edit-priority": incident.priority},
    )
    incident.refresh_from_db()
    assert incident.type_id == cast.incident.pk, response.status_code

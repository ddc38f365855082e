"""The client's card lists the ticket's statuses in the reader's language. History rows keep the
status code ("in_progress"), and the cabinet showed that code as it was."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from servicedesk.models import TicketStatus
from servicedesk.services.tickets import change_status, create_ticket
from servicedesk.testing.cast import Cast

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "labels"),
    [("ru", ["Зарегистрирована", "В работе", "Ожидание"]), ("en", ["Registered", "In progress", "Waiting"])],
)
def test_status_history_speaks_the_readers_language(cast: Cast, language: str, labels: list[str]) -> None:
    ticket = create_ticket(
        actor=cast.operator.user, ticket_type=cast.incident, subject="Принтер", requester_contact=cast.client
    )
    change_status(ticket=ticket, actor=cast.operator.user, status=TicketStatus.IN_PROGRESS)
    change_status(ticket=ticket, actor=cast.operator.user, status=TicketStatus.WAITING)
    client = Client()
    client.force_login(cast.client.user)
    client.cookies["django_language"] = language
    page = client.get(f"/cabinet/tickets/{ticket.pk}/").content.decode()
    log = re.search(r'<ol class="statuslog">(.*?)</ol>', page, re.S)
    assert log
    assert re.findall(r"<span>([^<]+)</span>", log.group(1)) == labels
    assert "in_progress" not in log.group(1) and "waiting" not in log.group(1)

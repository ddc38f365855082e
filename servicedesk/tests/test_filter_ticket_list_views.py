"""The ticket list: access, filters, search by number, paging and a query count independent of page size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from servicedesk.models import Priority, Ticket, TicketStatus
from servicedesk.services.tickets import create_ticket
from servicedesk.testing.cast import PASSWORD, Cast, make_user

pytestmark = pytest.mark.django_db


def login(client: Client, username: str) -> Client:
    assert client.login(username=username, password=PASSWORD)
    return client


def numbers(response) -> list[int]:
    return [t.pk for t in response.context["page"].object_list]


def bulk_tickets(cast: Cast, count: int) -> None:
    """Rows with every related column filled, so a missing select_related shows as extra queries."""
    Ticket.objects.bulk_create(
        Ticket(
            type=cast.incident,
            service=cast.email_service,
            agreement=cast.base_agreement,
            subject=f"bulk {i}",
            requester_employee=cast.second_line if i % 2 else None,
            requester_contact=None if i % 2 else cast.client,
            responsible_employee=cast.operator,
            responsible_team=cast.team,
            priority=Priority.NORMAL,
        )
        for i in range(count)
    )


def test_anonymous_user_is_sent_to_login(client: Client) -> None:
    response = client.get(reverse("ticket_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_client_contact_goes_to_the_cabinet_and_a_user_without_a_card_gets_403(client: Client, cast: Cast) -> None:
    response = login(client, "client").get(reverse("ticket_list"))
    assert response.status_code == 302 and response["Location"] == reverse("cabinet_home")
    client.logout()
    make_user("nobody")
    response = login(client, "nobody").get(reverse("ticket_list"))
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()


def test_filters_by_status_priority_team_and_text(client: Client, cast: Cast) -> None:
    mail = create_ticket(
        actor=None,
        ticket_type=cast.incident,
        subject="Mailbox is full",
        service=cast.email_service,
        requester_contact=cast.client,
        priority=Priority.HIGH,
    )
    printer = create_ticket(
        actor=None,
        ticket_type=cast.incident,
        subject="Printer jams",
        description="paper tray",
        requester_employee=cast.operator,
        responsible_team=cast.other_team,
    )
    closed = create_ticket(actor=None, ticket_type=cast.incident, subject="Old one", requester_contact=cast.client)
    Ticket.objects.filter(pk=closed.pk).update(status=TicketStatus.CLOSED)
    login(client, "operator")
    url = reverse("ticket_list")

    assert set(numbers(client.get(url))) == {mail.pk, printer.pk, closed.pk}
    assert numbers(client.get(url, {"status": ["new", "in_progress"]})) == [printer.pk, mail.pk]
    assert numbers(client.get(url, {"status": "closed"})) == [closed.pk]
    assert numbers(client.get(url, {"priority": Priority.HIGH})) == [mail.pk]
    assert numbers(client.get(url, {"team": cast.other_team.pk})) == [printer.pk]
    assert numbers(client.get(url, {"service": cast.email_service.pk})) == [mail.pk]
    assert numbers(client.get(url, {"q": "paper"})) == [printer.pk]
    assert numbers(client.get(url, {"q": f"#{mail.pk}"})) == [mail.pk]
    assert mail.pk in numbers(client.get(url, {"q": str(mail.pk)}))
    assert numbers(client.get(url, {"scope": "open"})) == [printer.pk, mail.pk]


def test_quick_filters_mine_and_my_teams(client: Client, cast: Cast) -> None:
    mine = create_ticket(
        actor=None,
        ticket_type=cast.incident,
        subject="mine",
        requester_contact=cast.client,
        responsible_employee=cast.second_line,
    )
    team = create_ticket(
        actor=None, ticket_type=cast.incident, subject="team", requester_contact=cast.client, responsible_team=cast.team
    )
    create_ticket(
        actor=None,
        ticket_type=cast.incident,
        subject="operator's",
        requester_contact=cast.client,
        responsible_employee=cast.operator,
    )
    login(client, "line2")
    url = reverse("ticket_list")
    assert numbers(client.get(url, {"scope": "mine"})) == [mine.pk]
    assert numbers(client.get(url, {"scope": "teams"})) == [team.pk]
    # Second line sees only its own and its teams' tickets even with no filter at all.
    assert set(numbers(client.get(url))) == {mine.pk, team.pk}


def test_sorting_and_paging(client: Client, cast: Cast) -> None:
    bulk_tickets(cast, 60)
    login(client, "operator")
    url = reverse("ticket_list")
    first = client.get(url, {"per_page": 25})
    assert len(numbers(first)) == 25
    assert first.context["paginator"].count == 60
    third = client.get(url, {"per_page": 25, "page": 3})
    assert len(numbers(third)) == 10
    ascending = numbers(client.get(url, {"per_page": 50, "sort": "number"}))
    assert ascending == sorted(ascending) and len(ascending) == 50
    # Bogus parameters fall back to defaults instead of failing the page.
    assert client.get(url, {"per_page": 7, "sort": "drop table"}).status_code == 200


def test_query_count_does_not_grow_with_page_size(client: Client, cast: Cast) -> None:
    bulk_tickets(cast, 100)
    login(client, "operator")
    url = reverse("ticket_list")
    client.get(url)  # warm up session and caches
    with CaptureQueriesContext(connection) as small:
        assert len(numbers(client.get(url, {"per_page": 25}))) == 25
    with CaptureQueriesContext(connection) as large:
        assert len(numbers(client.get(url, {"per_page": 100}))) == 100
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(large.captured_queries) <= 15


def test_htmx_request_gets_only_the_results(client: Client, cast: Cast) -> None:
    create_ticket(actor=None, ticket_type=cast.incident, subject="Partial", requester_contact=cast.client)
    login(client, "operator")
    response = client.get(
        reverse("ticket_list"), {"q": "Partial"}, headers={"HX-Request": "true", "HX-Target": "ticket-results"}
    )
    body = response.content.decode()
    assert 'id="ticket-results"' in body and "Partial" in body
    assert "<html" not in body

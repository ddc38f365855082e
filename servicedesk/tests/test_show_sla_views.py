"""The card and the list show the SLA clocks; the card reclassifies, adds tasks and approvals;
"My tasks" lets assignees and approvers act; a closed ticket's card offers no changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from servicedesk.models import Priority, Ticket, TicketStatus, Vote
from servicedesk.services.tickets import change_status, create_ticket
from servicedesk.services.work import request_approval
from servicedesk.testing.cast import PASSWORD, Cast

from .sla_helpers import at, msk, use_office_hours

pytestmark = pytest.mark.django_db


def login(client: Client, username: str) -> Client:
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def late_ticket(cast: Cast) -> Ticket:
    use_office_hours(cast)
    with at(msk(11, 23, 9)):
        ticket = create_ticket(
            actor=None,
            ticket_type=cast.incident,
            subject="Не работает VPN",
            requester_contact=cast.client,
            responsible_team=cast.team,
            service=cast.email_service,
        )
    with at(msk(11, 24, 11, 15)):
        change_status(ticket=ticket, actor=cast.operator.user, status=TicketStatus.RESOLVED, comment="Готово")
    return ticket


def test_card_shows_a_late_resolution_with_its_delay_and_rule(client: Client, cast: Cast, late_ticket) -> None:
    html = login(client, "operator").get(reverse("ticket_detail", args=[late_ticket.pk])).content.decode()
    assert 'class="sla sla--late" data-clock="resolution"' in html
    assert "late by 2 h 15 min of working time" in html
    assert "“Base agreement”, default time: 8 h" in html
    explanation = client.get(reverse("ticket_sla", args=[late_ticket.pk, "resolution"])).content.decode()
    assert "How the resolution deadline was counted" in explanation and "break" in explanation
    assert client.get(reverse("ticket_sla", args=[late_ticket.pk, "nonsense"])).status_code == 404


def test_list_states_and_deadline_filters(client: Client, cast: Cast, late_ticket) -> None:
    now = dt.datetime.now(dt.UTC)
    running = create_ticket(actor=None, ticket_type=cast.incident, subject="Скоро срок", requester_contact=cast.client)
    Ticket.objects.filter(pk=running.pk).update(resolution_deadline=now + dt.timedelta(hours=2))
    overdue = create_ticket(actor=None, ticket_type=cast.incident, subject="Уже поздно", requester_contact=cast.client)
    Ticket.objects.filter(pk=overdue.pk).update(resolution_deadline=now - dt.timedelta(hours=1))
    login(client, "operator")
    page = client.get(reverse("ticket_list")).content.decode()
    assert "late by 2 h 15 min" in page
    only_overdue = client.get(reverse("ticket_list"), {"due": "overdue"}).content.decode()
    assert "Уже поздно" in only_overdue and "Скоро срок" not in only_overdue
    soon = client.get(reverse("ticket_list"), {"due": "within", "within": 3}).content.decode()
    assert "Скоро срок" in soon and "Уже поздно" not in soon
    assert "Скоро срок" not in client.get(reverse("ticket_list"), {"due": "within", "within": 1}).content.decode()


def test_reclassify_on_the_card(client: Client, cast: Cast) -> None:
    ticket = create_ticket(actor=None, ticket_type=cast.incident, subject="Почта", requester_contact=cast.client)
    login(client, "operator")
    url = reverse("ticket_reclassify", args=[ticket.pk])
    form = {
        "edit-subject": "Почта не работает",
        "edit-description": "",
        "edit-type": cast.incident.pk,
        "edit-service": cast.email_service.pk,
        "edit-agreement": "",
        "edit-priority": Priority.HIGH,
    }
    assert client.post(url, form).status_code == 302
    ticket.refresh_from_db()
    assert (ticket.subject, ticket.priority, ticket.service) == ("Почта не работает", Priority.HIGH, cast.email_service)
    bad = client.post(url, {**form, "edit-service": cast.printer_service.pk, "edit-type": cast.request.pk})
    assert bad.status_code == 200 and "cannot be registered for the service" in bad.content.decode()


def test_tasks_and_approvals_from_the_card_and_my_tasks(client: Client, cast: Cast) -> None:
    ticket = create_ticket(
        actor=None,
        ticket_type=cast.incident,
        subject="Ноутбук",
        requester_contact=cast.client,
        responsible_team=cast.team,
    )
    login(client, "operator")
    response = client.post(
        reverse("ticket_add_task", args=[ticket.pk]),
        {
            "task-title": "Выдать",
            "task-responsible_employee": cast.second_line.pk,
            "task-work_amount": "2",
            "task-work_unit": "hours",
        },
    )
    assert response.status_code == 302
    task = ticket.tasks.get()
    assert task.work_time == dt.timedelta(hours=2)
    client.post(
        reverse("ticket_request_approval", args=[ticket.pk]),
        {
            "approval-subject": "Купить",
            "approval-approvers": [cast.second_line.pk],
            "approval-mode": "all",
            "approval-work_unit": "hours",
        },
    )
    approval = ticket.approvals.get()
    second = login(Client(), "line2")
    page = second.get(reverse("my_tasks")).content.decode()
    assert "Выдать" in page and "Купить" in page
    second.post(reverse("task_finish", args=[task.pk]), {"status": "done", "result": "Выдан", "next": "/my-tasks/"})
    second.post(reverse("approval_decide", args=[approval.pk]), {"decision": Vote.APPROVED, "comment": ""})
    task.refresh_from_db()
    approval.refresh_from_db()
    assert task.status == "done" and approval.status == "approved"
    outsider = login(Client(), "line2peer")
    assert outsider.post(reverse("approval_decide", args=[approval.pk]), {"decision": "approved"}).status_code == 403


def test_rejecting_without_a_comment_is_explained(client: Client, cast: Cast) -> None:
    ticket = create_ticket(actor=None, ticket_type=cast.incident, subject="x", requester_contact=cast.client)
    approval = request_approval(ticket=ticket, actor=None, subject="Доступ", approvers=[cast.second_line])
    second = login(client, "line2")
    response = second.post(reverse("approval_decide", args=[approval.pk]), {"decision": "rejected"}, follow=True)
    assert "the comment is required" in response.content.decode()


def test_closed_ticket_card_offers_no_changes(client: Client, cast: Cast, late_ticket) -> None:
    change_status(ticket=late_ticket, actor=None, status=TicketStatus.CLOSED)
    html = login(client, "operator").get(reverse("ticket_detail", args=[late_ticket.pk])).content.decode()
    for action in ("ticket_reclassify", "ticket_add_task", "ticket_assign", "ticket_add_comment"):
        assert reverse(action, args=[late_ticket.pk]) not in html
    assert client.post(reverse("ticket_reclassify", args=[late_ticket.pk]), {}).status_code == 403


def test_agreement_options_follow_the_requester(client: Client, cast: Cast) -> None:
    from servicedesk.models import Agreement

    own = Agreement.objects.create(name="Ромашка")
    own.companies.add(cast.client_company)
    login(client, "operator")
    html = client.get(reverse("agreement_options"), {"requester": f"contact:{cast.client.pk}"}).content.decode()
    assert html.index("Ромашка") < html.index("Base agreement")

"""The ticket card: visibility, read-only auditors, and the POST actions."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from servicedesk.models import Comment, Ticket, TicketHistory, TicketStatus
from servicedesk.services.tickets import NewFile, add_attachment, create_ticket
from servicedesk.testing.cast import PASSWORD, Cast

pytestmark = pytest.mark.django_db


def login(client: Client, username: str) -> Client:
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def team_ticket(cast: Cast) -> Ticket:
    return create_ticket(
        actor=None,
        ticket_type=cast.incident,
        subject="VPN is down",
        description="since 9 am",
        requester_contact=cast.client,
        responsible_team=cast.team,
    )


@pytest.fixture
def other_ticket(cast: Cast) -> Ticket:
    return create_ticket(
        actor=None,
        ticket_type=cast.incident,
        subject="Switch broken",
        requester_contact=cast.outsider,
        responsible_team=cast.other_team,
    )


def test_card_shows_the_ticket(client: Client, cast: Cast, team_ticket: Ticket) -> None:
    response = login(client, "operator").get(reverse("ticket_detail", args=[team_ticket.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "VPN is down" in body and "since 9 am" in body
    assert reverse("contact_detail", args=[cast.client.pk]) in body
    assert reverse("ticket_change_status", args=[team_ticket.pk]) in body


def test_second_line_gets_404_on_another_teams_ticket(
    client: Client, cast: Cast, team_ticket: Ticket, other_ticket: Ticket
) -> None:
    login(client, "line2")
    assert client.get(reverse("ticket_detail", args=[team_ticket.pk])).status_code == 200
    assert client.get(reverse("ticket_detail", args=[other_ticket.pk])).status_code == 404
    response = client.post(reverse("ticket_add_comment", args=[other_ticket.pk]), {"body": "hi"})
    assert response.status_code == 404
    assert not Comment.objects.filter(ticket=other_ticket).exists()


def test_auditor_sees_read_only_card_and_gets_403_on_actions(client: Client, cast: Cast, team_ticket: Ticket) -> None:
    login(client, "auditor")
    body = client.get(reverse("ticket_detail", args=[team_ticket.pk])).content.decode()
    assert "Read only" in body
    assert reverse("ticket_change_status", args=[team_ticket.pk]) not in body
    assert reverse("ticket_add_comment", args=[team_ticket.pk]) not in body
    for name, data in (
        ("ticket_change_status", {"status": "in_progress"}),
        ("ticket_add_comment", {"body": "x"}),
        ("ticket_assign", {"responsible_team": cast.team.pk}),
    ):
        assert client.post(reverse(name, args=[team_ticket.pk]), data).status_code == 403
    team_ticket.refresh_from_db()
    assert team_ticket.status == TicketStatus.NEW
    assert not Comment.objects.filter(ticket=team_ticket).exists()


def test_change_status_with_comment(client: Client, cast: Cast, team_ticket: Ticket) -> None:
    login(client, "line2")
    url = reverse("ticket_change_status", args=[team_ticket.pk])
    response = client.post(url, {"status": "in_progress", "comment": "Looking into it"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("ticket_detail", args=[team_ticket.pk])
    assert "Status changed" in response.content.decode()
    team_ticket.refresh_from_db()
    assert team_ticket.status == TicketStatus.IN_PROGRESS
    assert Comment.objects.get(ticket=team_ticket).body == "Looking into it"
    history = client.get(reverse("ticket_detail", args=[team_ticket.pk]), {"tab": "history"}).content.decode()
    assert "Status changed" in history and "In progress" in history


def test_disallowed_status_is_shown_next_to_the_field(client: Client, cast: Cast, team_ticket: Ticket) -> None:
    login(client, "operator")
    response = client.post(reverse("ticket_change_status", args=[team_ticket.pk]), {"status": "closed"})
    assert response.status_code == 200
    assert response.context["status_form"].errors["status"]
    team_ticket.refresh_from_db()
    assert team_ticket.status == TicketStatus.NEW


def test_add_public_and_private_comment_with_file(client: Client, cast: Cast, team_ticket: Ticket) -> None:
    login(client, "operator")
    url = reverse("ticket_add_comment", args=[team_ticket.pk])
    upload = SimpleUploadedFile("log.txt", b"trace", content_type="text/plain")
    assert client.post(url, {"body": "Visible reply", "files": [upload]}).status_code == 302
    assert client.post(url, {"body": "Internal note", "is_private": "on"}).status_code == 302
    public, private = Comment.objects.filter(ticket=team_ticket).order_by("pk")
    assert (public.is_private, private.is_private) == (False, True)
    assert public.attachments.get().filename == "log.txt"
    body = client.get(reverse("ticket_detail", args=[team_ticket.pk])).content.decode()
    assert "entry--private" in body and "Internal note" in body


def test_empty_comment_shows_error(client: Client, cast: Cast, team_ticket: Ticket) -> None:
    login(client, "operator")
    response = client.post(reverse("ticket_add_comment", args=[team_ticket.pk]), {"body": "  "})
    assert response.status_code == 200
    assert response.context["comment_form"].errors["body"]


def test_assign_rejects_employee_outside_team(client: Client, cast: Cast, team_ticket: Ticket) -> None:
    login(client, "operator")
    url = reverse("ticket_assign", args=[team_ticket.pk])
    bad = client.post(url, {"responsible_team": cast.team.pk, "responsible_employee": cast.operator.pk})
    assert bad.context["assign_form"].errors["responsible_employee"]
    assert (
        client.post(url, {"responsible_team": cast.team.pk, "responsible_employee": cast.second_line.pk}).status_code
        == 302
    )
    team_ticket.refresh_from_db()
    assert team_ticket.responsible_employee == cast.second_line


def test_watchers_add_and_remove(client: Client, cast: Cast, team_ticket: Ticket) -> None:
    login(client, "operator")
    client.post(reverse("ticket_add_watcher", args=[team_ticket.pk]), {"employee": cast.auditor.pk})
    watcher = team_ticket.watchers.get()
    assert watcher.employee == cast.auditor
    client.post(reverse("ticket_remove_watcher", args=[team_ticket.pk, watcher.pk]))
    assert not team_ticket.watchers.exists()
    assert TicketHistory.objects.filter(ticket=team_ticket, kind=TicketHistory.Kind.WATCHER).count() == 2


def test_upload_and_download_attachment(client: Client, cast: Cast, team_ticket: Ticket, other_ticket: Ticket) -> None:
    login(client, "line2")
    upload = SimpleUploadedFile("report.csv", b"a;b\n1;2\n", content_type="text/csv")
    assert client.post(reverse("ticket_add_attachment", args=[team_ticket.pk]), {"files": [upload]}).status_code == 302
    attachment = team_ticket.attachments.get()
    response = client.get(reverse("attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"a;b\n1;2\n"
    assert "attachment" in response["Content-Disposition"] and "report.csv" in response["Content-Disposition"]
    foreign = add_attachment(ticket=other_ticket, actor=None, new_file=NewFile(ContentFile(b"secret"), "secret.txt"))
    assert client.get(reverse("attachment_download", args=[foreign.pk])).status_code == 404


def test_svg_is_never_served_inline(client: Client, cast: Cast, team_ticket: Ticket) -> None:
    svg = add_attachment(
        ticket=team_ticket,
        actor=None,
        new_file=NewFile(ContentFile(b"<svg onload='alert(1)'/>"), "x.svg", content_type="image/svg+xml"),
    )
    png = add_attachment(
        ticket=team_ticket, actor=None, new_file=NewFile(ContentFile(b"\x89PNG\r\n"), "x.png", content_type="image/png")
    )
    login(client, "operator")
    svg_response = client.get(reverse("attachment_download", args=[svg.pk]), {"inline": "1"})
    assert svg_response["Content-Disposition"].startswith("attachment")
    png_response = client.get(reverse("attachment_download", args=[png.pk]), {"inline": "1"})
    assert png_response["Content-Disposition"].startswith("inline")
    assert png_response["Content-Type"] == "image/png"

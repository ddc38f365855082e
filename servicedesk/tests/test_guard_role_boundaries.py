"""Role boundaries (issue 11, points 19, 20, 4, 23): every role against every state-changing URL of
the operator interface; technologists configure, administrators grant access, only superusers make
superusers; watching grants reading; the requester lookup follows the people directory's rule."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from servicedesk import roles
from servicedesk.models import Ticket, TicketWatcher, User
from servicedesk.services.tickets import add_watcher, create_ticket
from servicedesk.testing.cast import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(cast: Cast) -> Ticket:
    return create_ticket(
        actor=cast.operator.user,
        ticket_type=cast.incident,
        subject="Принтер не печатает",
        service=cast.email_service,
        requester_contact=cast.client,
    )


def _urls(ticket: Ticket, cast: Cast) -> list[tuple[str, dict]]:
    pk = ticket.pk
    return [
        ("/tickets/new/", {"type": cast.incident.pk, "subject": "x", "requester_email": "a@b.example", "priority": 3}),
        (f"/tickets/{pk}/status/", {"status": "in_progress"}),
        (f"/tickets/{pk}/assign/", {"responsible_employee": cast.operator.pk}),
        (f"/tickets/{pk}/comments/", {"body": "hi"}),
        (f"/tickets/{pk}/watchers/", {"employee": cast.operator.pk}),
        (f"/tickets/{pk}/take/", {}),
        ("/tickets/bulk/", {"action": "priority", "priority": 1, "tickets": [pk]}),
    ]


@pytest.mark.parametrize("username", ["auditor", "system", "client", "outsider"])
def test_read_only_and_client_roles_change_nothing(cast: Cast, ticket: Ticket, client: Client, username: str) -> None:
    client.force_login(User.objects.get(username=username))
    before = (Ticket.objects.count(), ticket.history.count(), ticket.comments.count())
    for url, data in _urls(ticket, cast):
        response = client.post(url, data)
        assert response.status_code in (403, 404), (username, url, response.status_code)
    assert (Ticket.objects.count(), ticket.history.count(), ticket.comments.count()) == before


def test_anonymous_is_sent_to_login(cast: Cast, ticket: Ticket, client: Client) -> None:
    for url, data in _urls(ticket, cast):
        response = client.post(url, data)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_read_only_roles_have_no_new_ticket_link(cast: Cast, client: Client) -> None:
    client.force_login(cast.auditor.user)
    assert client.get("/tickets/new/").status_code == 403
    assert 'href="/tickets/new/"' not in client.get("/").content.decode()


def test_technologist_cannot_grant_itself_anything(cast: Cast, client: Client) -> None:
    client.force_login(cast.technologist)
    target = cast.technologist
    url = f"/admin/servicedesk/user/{target.pk}/change/"
    assert client.get(url).status_code == 200  # may look a login up (to link it to a card)
    response = client.post(
        url, {"username": "system", "is_superuser": "on", "groups": [Group.objects.get(name="administrator").pk]}
    )
    assert response.status_code == 403
    assert client.get(f"/admin/servicedesk/user/{cast.operator.user.pk}/password/").status_code == 403
    target.refresh_from_db()
    assert not target.is_superuser and roles.ADMINISTRATOR not in set(target.groups.values_list("name", flat=True))
    assert client.get("/admin/auth/group/").status_code in (403, 404)


def test_administrator_grants_roles_but_not_superuser(cast: Cast, client: Client) -> None:
    admin_user = cast.operator.user
    admin_user.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
    root = User.objects.create_superuser("root", "root@corp.example", "pass-Word-42")
    client.force_login(admin_user)
    page = client.get(f"/admin/servicedesk/user/{cast.auditor.user.pk}/change/").content.decode()
    assert "is_superuser" not in page and "user_permissions" not in page
    assert "Second-line specialist" in page  # the seed's names, not the codes
    second = Group.objects.get(name=roles.SECOND_LINE)
    response = client.post(
        f"/admin/servicedesk/user/{cast.auditor.user.pk}/change/",
        {"username": "auditor", "is_active": "on", "groups": [second.pk], "is_superuser": "on"},
    )
    assert response.status_code == 302
    cast.auditor.user.refresh_from_db()
    assert cast.auditor.user.role_codes() == frozenset({roles.SECOND_LINE}) or set(
        cast.auditor.user.groups.values_list("name", flat=True)
    ) == {roles.SECOND_LINE}
    assert not cast.auditor.user.is_superuser
    assert client.get(f"/admin/servicedesk/user/{root.pk}/password/").status_code == 403


def test_employee_card_has_rights_field_for_administrators_only(cast: Cast, client: Client) -> None:
    url = f"/admin/servicedesk/employee/{cast.second_line.pk}/change/"
    client.force_login(cast.technologist)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Права" in page and 'name="rights"' not in page  # shown, read-only
    assert '<label for="id_first_name">Имя:</label>' in page
    admin_user = cast.operator.user
    admin_user.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
    client.force_login(admin_user)
    assert 'name="rights"' in client.get(url).content.decode()


def test_watching_grants_reading_and_mail_follows(cast: Cast, ticket: Ticket, client: Client) -> None:
    client.force_login(cast.second_line_peer.user)
    assert client.get(f"/tickets/{ticket.pk}/").status_code == 404
    add_watcher(ticket=ticket, actor=cast.operator.user, employee=cast.second_line_peer)
    page = client.get(f"/tickets/{ticket.pk}/")
    assert page.status_code == 200 and "Read only" in page.content.decode()
    assert client.post(f"/tickets/{ticket.pk}/comments/", {"body": "x"}).status_code == 403
    TicketWatcher.objects.filter(ticket=ticket).delete()
    assert client.get(f"/tickets/{ticket.pk}/").status_code == 404


def test_requester_lookup_follows_the_directory(cast: Cast, ticket: Ticket, client: Client) -> None:
    client.force_login(cast.second_line.user)
    options = client.get("/tickets/requesters/", {"requester_q": ""}).content.decode()
    people = client.get("/people/").content.decode()
    assert "Иванова" not in options and "Иванова" not in people  # a specialist they do not work with
    assert "Петров" in options and "Петров" in people  # themselves
    assert "Посторонний" not in options
    forged = client.post(
        "/tickets/new/",
        {"type": cast.incident.pk, "subject": "x", "requester": f"employee:{cast.operator.pk}", "priority": 3},
    )
    assert forged.status_code == 200 and not Ticket.objects.filter(subject="x").exists()

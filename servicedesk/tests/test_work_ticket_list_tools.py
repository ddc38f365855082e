"""The list's tools and the card's small helpers (issue 11, points 3, 9, 10, 11, 13, 18, 21, 22):
case-insensitive search with numbers and requesters, bulk actions and XLSX export through the
services, take into work, "on behalf of", history in the reader's language, the logout page,
admin filters with absurd values, login throttling and generated keys."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from openpyxl import load_workbook

from servicedesk import keys
from servicedesk.models import Priority, Ticket, TicketStatus
from servicedesk.services.tickets import change_status, create_ticket
from servicedesk.testing.cast import PASSWORD, Cast

pytestmark = pytest.mark.django_db
RU = {"HTTP_ACCEPT_LANGUAGE": "ru"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _ticket(cast: Cast, subject: str, **extra: object) -> Ticket:
    params: dict = {"actor": cast.operator.user, "ticket_type": cast.incident, "subject": subject}
    params.setdefault("requester_contact", cast.client)
    params.update(extra)
    return create_ticket(**params)


def _numbers(response) -> list[int]:
    return [t.pk for t in response.context["page"].object_list]


def test_search_is_case_insensitive_and_finds_numbers_and_requesters(cast: Cast, client: Client) -> None:
    lower = _ticket(cast, "принтер не печатает")
    upper = _ticket(cast, "Принтер замял бумагу", requester_contact=None, requester_email="Buh@Romashka.example")
    other = _ticket(cast, "Почта", requester_contact=cast.outsider)
    client.force_login(cast.operator.user)
    for text in ("принтер", "Принтер", "ПРИНТЕР"):
        assert set(_numbers(client.get("/", {"q": text}))) == {lower.pk, upper.pk}, text
    assert _numbers(client.get("/", {"q": "посторонний"})) == [other.pk]  # requester's name
    assert _numbers(client.get("/", {"q": "buh@romashka"})) == [upper.pk]  # requester's e-mail
    assert _numbers(client.get("/", {"q": f"#{other.pk}"})) == [other.pk]
    assert _numbers(client.get("/", {"q": str(other.pk)}))[0] == other.pk
    opened = client.get("/", {"q": f"#{other.pk}"}, HTTP_HX_REQUEST="true", HTTP_X_SEARCH_SUBMIT="1")
    assert opened["HX-Redirect"] == f"/tickets/{other.pk}/"


def test_bulk_actions_go_through_the_services(cast: Cast, client: Client) -> None:
    first, second = _ticket(cast, "Один"), _ticket(cast, "Два")
    change_status(ticket=second, actor=None, status=TicketStatus.CANCELLED)
    client.force_login(cast.operator.user)
    client.post(
        "/tickets/bulk/", {"action": "priority", "priority": Priority.CRITICAL, "tickets": [first.pk, second.pk]}
    )
    first.refresh_from_db()
    assert first.priority == Priority.CRITICAL
    assert first.history.filter(field="priority", new_value=str(Priority.CRITICAL)).exists()
    response = client.post(
        "/tickets/bulk/", {"action": "status", "status": "in_progress", "tickets": [first.pk, second.pk]}, follow=True
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == TicketStatus.IN_PROGRESS and second.status == TicketStatus.CANCELLED
    assert f"#{second.pk}" in response.content.decode()  # the refusal is reported
    client.post("/tickets/bulk/", {"action": "assign", "responsible_employee": cast.operator.pk, "tickets": [first.pk]})
    first.refresh_from_db()
    assert first.responsible_employee == cast.operator


def test_bulk_bar_lists_employees_with_their_teams(cast: Cast, client: Client) -> None:
    client.force_login(cast.operator.user)
    page = client.get("/").content.decode()
    bar = page.split('id="bulk-employee"', 1)[1].split("</select>", 1)[0]
    assert f'value="{cast.second_line.pk}" data-teams="{cast.team.pk}"' in bar
    teams = page.split('id="bulk-team"', 1)[1].split("</select>", 1)[0]
    assert cast.team.name in teams and cast.other_team.name in teams


def test_export_the_filtered_list_to_xlsx(cast: Cast, client: Client) -> None:
    _ticket(cast, "Принтер один")
    _ticket(cast, "Почта")
    client.force_login(cast.operator.user)
    response = client.get("/tickets/export.xlsx", {"q": "принтер"}, **RU)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][:2] == ("№", "Тема")
    assert [row[1] for row in rows[1:]] == ["Принтер один"]


def test_take_into_work_assigns_me_and_sets_in_progress(cast: Cast, client: Client) -> None:
    ticket = _ticket(cast, "Взять", service=cast.email_service)
    client.force_login(cast.operator.user)
    client.post(f"/tickets/{ticket.pk}/take/")
    ticket.refresh_from_db()
    assert ticket.responsible_employee == cast.operator and ticket.status == TicketStatus.IN_PROGRESS
    assert ticket.responsible_team is None  # the operator is not a member of the service's team


def test_timeline_names_who_registered_on_whose_behalf(cast: Cast, client: Client) -> None:
    ticket = _ticket(cast, "По звонку")
    client.force_login(cast.operator.user)
    page = client.get(f"/tickets/{ticket.pk}/", **EN).content.decode()
    assert "registered the ticket on behalf of" in page and "Иванова Анна" in page and "Клиентов Кирилл" in page


def test_history_reads_in_the_readers_language(cast: Cast, client: Client) -> None:
    ticket = _ticket(cast, "История")
    client.force_login(cast.operator.user)
    client.post(f"/tickets/{ticket.pk}/status/", {"status": "in_progress"}, **RU)
    client.get("/")  # the flash message of the change is shown there

    def history(headers: dict) -> str:
        page = client.get(f"/tickets/{ticket.pk}/?tab=history", **headers).content.decode()
        return page.split('<table class="table history">', 1)[1].split("</table>", 1)[0]

    english, russian = history(EN), history(RU)
    assert "In progress" in english and "В работе" not in english and "Новая" not in english
    assert "В работе" in russian


def test_logout_get_offers_a_button_and_post_logs_out(cast: Cast, client: Client) -> None:
    client.force_login(cast.operator.user)
    page = client.get("/logout/")
    assert page.status_code == 200 and 'method="post"' in page.content.decode()
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_admin_filter_with_a_huge_year_answers_400(cast: Cast, client: Client) -> None:
    client.force_login(cast.technologist)
    response = client.get("/admin/servicedesk/ticket/", {"created_at__year": "99999999999999999999"})
    assert response.status_code == 400


def test_wrong_passwords_lock_the_login_for_a_while(cast: Cast, client: Client, settings) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "operator", "password": "wrong"})
    locked = client.post("/login/", {"username": "operator", "password": PASSWORD}, **EN)
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode() and "15 minutes" in locked.content.decode()
    admin_locked = client.post("/admin/login/", {"username": "operator", "password": PASSWORD})
    assert admin_locked.status_code == 429
    from axes.models import AccessFailureLog

    assert AccessFailureLog.objects.filter(username="operator").count() >= settings.AXES_FAILURE_LIMIT


def test_keys_are_generated_once_and_public_ones_refused(tmp_path: Path) -> None:
    first = keys.secret_key(None, tmp_path, debug=False)
    assert first == keys.secret_key(None, tmp_path, debug=False) and len(first) > 40
    assert first not in keys.PUBLIC_KEYS
    assert (tmp_path / keys.SECRET_KEY_FILE).stat().st_mode & 0o777 == 0o600
    field = keys.field_encryption_keys([], tmp_path)
    assert field == keys.field_encryption_keys([], tmp_path) and len(field) == 1
    for bad in ("", "change-me", "insecure-dev-key-change-me-in-production-0123456789"):
        with pytest.raises(ImproperlyConfigured):
            keys.secret_key(bad, tmp_path, debug=False)
    assert keys.secret_key("change-me", tmp_path, debug=True) == "change-me"

"""Administrators maintain the organisation in the operator interface with the model's validations;
specialists cannot; cards kept by a directory sync warn about hand edits of synced fields."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from servicedesk.models import Agreement, Company, Contact, Department, Employee, LdapConnection, Service, Team
from servicedesk.testing.cast import PASSWORD, Cast, make_user

pytestmark = pytest.mark.django_db


def administrator(client: Client) -> Client:
    make_user("admin1", "administrator")
    assert client.login(username="admin1", password=PASSWORD)
    return client


def test_specialists_and_clients_cannot_maintain(client: Client, cast: Cast) -> None:
    assert client.login(username="operator", password=PASSWORD)
    assert client.get(reverse("org_list", args=["departments"])).status_code == 403
    assert "Organisation" not in client.get(reverse("ticket_list")).content.decode()
    client.logout()
    assert client.login(username="client", password=PASSWORD)
    assert client.get(reverse("org_list", args=["departments"])).status_code == 403


@pytest.mark.parametrize("username", ["admin1", "system"])
def test_administrator_and_technologist_add_a_department_and_an_employee(
    client: Client, cast: Cast, username: str
) -> None:
    make_user("admin1", "administrator")
    assert client.login(username=username, password=PASSWORD)
    assert "Organisation" in client.get(reverse("ticket_list")).content.decode()
    response = client.post(
        reverse("org_new", args=["departments"]), {"name": "Бухгалтерия", "parent": cast.it_department.pk}
    )
    assert response.status_code == 302
    department = Department.objects.get(name="Бухгалтерия")
    response = client.post(
        reverse("org_person_new", args=["employee"]),
        {
            "last_name": "Счетова",
            "first_name": "Сара",
            "department": department.pk,
            "email": "sara@corp.example",
            "language": "ru",
            "is_active": "on",
            "is_licensed": "on",
            "login": "sara",
            "roles": ["second_line"],
        },
    )
    employee = Employee.objects.get(last_name="Счетова")
    assert response["Location"] == reverse("employee_detail", args=[employee.pk])
    if username == "system":
        # A technologist keeps cards; logins and rights are the administrator's (test_guard_access_management).
        assert employee.user is None
        return
    assert employee.user.username == "sara" and list(employee.user.groups.values_list("name", flat=True)) == [
        "second_line"
    ]
    assert not employee.user.has_usable_password()


def test_the_same_validations_as_the_admin(client: Client, cast: Cast) -> None:
    administrator(client)
    # Required name, and no department inside its own sub-department.
    page = client.post(reverse("org_new", args=["departments"]), {"name": ""}).content.decode()
    assert "This field is required" in page
    url = reverse("org_edit", args=["departments", cast.it_department.pk])
    page = client.post(url, {"name": "ИТ-департамент", "parent": cast.support_department.pk}).content.decode()
    assert "cannot be placed inside itself" in page
    # The team name is unique; a roles choice needs a login.
    page = client.post(reverse("org_new", args=["teams"]), {"name": "Сети"}).content.decode()
    assert "already exists" in page
    page = client.post(
        reverse("org_person_new", args=["employee"]),
        {"last_name": "Безлогинов", "department": cast.it_department.pk, "language": "ru", "roles": ["specialist"]},
    ).content.decode()
    assert "Give the employee a login to assign rights" in page
    # A taken login is refused next to the field, and nothing is created.
    page = client.post(
        reverse("org_person_new", args=["contact"]),
        {"last_name": "Занятов", "company": cast.client_company.pk, "language": "ru", "login": "operator"},
    ).content.decode()
    assert "is taken" in page and not Contact.objects.filter(last_name="Занятов").exists()


def test_deleting_what_is_in_use_is_refused_and_the_base_agreement_is_kept(client: Client, cast: Cast) -> None:
    administrator(client)
    response = client.post(reverse("org_delete", args=["departments", cast.support_department.pk]), follow=True)
    assert (
        "is in use" in response.content.decode() and Department.objects.filter(pk=cast.support_department.pk).exists()
    )
    response = client.post(reverse("org_delete", args=["agreements", cast.base_agreement.pk]), follow=True)
    assert "base agreement cannot be deleted" in response.content.decode()
    assert Agreement.objects.filter(is_base=True).exists()
    empty = Company.objects.create(name="Пустая")
    client.post(reverse("org_delete", args=["companies", empty.pk]))
    assert not Company.objects.filter(pk=empty.pk).exists()


def test_teams_services_and_agreements(client: Client, cast: Cast) -> None:
    administrator(client)
    client.post(reverse("org_new", args=["teams"]), {"name": "Первая линия", "leader": cast.operator.pk, "members": []})
    team = Team.objects.get(name="Первая линия")
    assert list(team.members.all()) == [cast.operator]  # the leader is always a member
    client.post(
        reverse("org_new", args=["services"]),
        {
            "name": "Телефония",
            "name_en": "Telephony",
            "ticket_types": [cast.incident.pk],
            "responsible_team": team.pk,
            "is_active": "on",
        },
    )
    service = Service.objects.get(name="Телефония")
    client.post(
        reverse("org_new", args=["agreements"]),
        {
            "name": "Ромашка",
            "services": [service.pk],
            "companies": [cast.client_company.pk],
            "spread_over_org": "on",
            "reaction_amount": "2",
            "reaction_unit": "hours",
            "resolution_amount": "8",
            "resolution_unit": "hours",
            "is_active": "on",
        },
    )
    agreement = Agreement.objects.get(name="Ромашка")
    assert list(agreement.services.all()) == [service] and agreement.spread_over_org
    assert "Telephony" in client.get(reverse("org_list", args=["services"])).content.decode()  # English name in EN


def test_a_synced_card_warns_about_hand_edits(client: Client, cast: Cast) -> None:
    connection = LdapConnection.objects.create(name="corp-ad", url="ldap://dc2", base_dn="DC=corp")
    Employee.objects.filter(pk=cast.second_line.pk).update(ldap_connection=connection)
    administrator(client)
    url = reverse("org_person_edit", args=["employee", cast.second_line.pk])
    assert "kept by the directory sync “corp-ad”" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "last_name": "Петров-Изменённый",
            "first_name": "Пётр",
            "department": cast.support_department.pk,
            "email": cast.second_line.email,
            "language": "ru",
            "is_active": "on",
            "is_licensed": "on",
            "login": "line2",
            "roles": ["second_line"],
        },
        follow=True,
    )
    body = response.content.decode()
    assert "will be overwritten by the next sync with “corp-ad”" in body and "surname" in body.lower()
    # The technologist interface says the same.
    client.logout()
    assert client.login(username="system", password=PASSWORD)
    page = client.get(reverse("admin:servicedesk_employee_change", args=[cast.second_line.pk])).content.decode()
    assert "kept by the directory sync “corp-ad”" in page


def test_the_add_form_generates_a_password_and_sends_it(client: Client, cast: Cast) -> None:
    from mailconf.models import OutboxMessage, OutgoingConnection

    conn = OutgoingConnection.load()
    conn.enabled, conn.from_address, conn.reply_to, conn.sender_name = True, "d@example.test", "h@example.test", "Desk"
    conn.save()
    administrator(client)
    response = client.post(
        reverse("org_person_new", args=["contact"]),
        {
            "last_name": "Доступова",
            "company": cast.client_company.pk,
            "email": "dostup@romashka.example",
            "language": "en",
            "is_active": "on",
            "send_access": "on",
        },
        follow=True,
    )
    assert "A link to choose a password is sent to dostup@romashka.example" in response.content.decode()
    contact = Contact.objects.get(last_name="Доступова")
    assert contact.user.username == "dostup"  # made from the e-mail
    message = OutboxMessage.objects.get()
    assert "Your login: dostup" in message.text and list(message.recipients) == ["dostup@romashka.example"]

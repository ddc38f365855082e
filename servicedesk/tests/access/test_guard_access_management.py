"""Managing access (logins, rights, access links that set passwords) is for administrators and
superusers; a technologist maintains cards but cannot take an account over, neither by sending a
link nor by changing the e-mail a privileged login's links go to. Every such URL, per role."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mailconf.models import OutboxMessage, OutgoingConnection
from servicedesk.models import Contact, Employee, User
from servicedesk.testing.cast import PASSWORD, Cast, make_employee, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_on(db: None) -> OutgoingConnection:
    conn = OutgoingConnection.load()
    conn.enabled = True
    conn.from_address, conn.reply_to, conn.sender_name = "desk@example.test", "help@example.test", "Desk"
    conn.host, conn.port, conn.encryption = "127.0.0.1", 2525, "none"
    conn.save()
    return conn


@pytest.fixture
def chief(cast: Cast) -> Employee:
    """An administrator's card: its e-mail receives the administrator's access links."""
    return make_employee("chief", cast.it_department, "administrator", last_name="Главный", email="chief@corp.example")


@pytest.fixture
def root_card(cast: Cast) -> Employee:
    root = User.objects.create_superuser("root", "root@corp.example", PASSWORD)
    return Employee.objects.create(user=root, department=cast.it_department, last_name="Корень", email=root.email)


def _login(client: Client, username: str) -> Client:
    assert client.login(username=username, password=PASSWORD)
    return client


def _employee_post(employee: Employee, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "last_name": employee.last_name,
        "first_name": employee.first_name,
        "department": employee.department_id,
        "email": employee.email,
        "language": "ru",
        "is_active": "on",
    }
    data.update(changes)
    return data


ROLES_WITHOUT_ACCESS = ["system", "operator", "auditor", "line2", "client"]


@pytest.mark.parametrize("who", ROLES_WITHOUT_ACCESS)
def test_only_access_managers_send_links(client: Client, cast: Cast, mail_on: OutgoingConnection, who: str) -> None:
    _login(client, who)
    for kind, pk in (("contact", cast.client.pk), ("employee", cast.operator.pk)):
        response = client.post(reverse("person_send_access", args=[kind, pk]), {"login": f"new{kind}"})
        assert response.status_code == 403, (who, kind)
    assert not OutboxMessage.objects.exists()
    assert not User.objects.filter(username__startswith="new").exists()


def test_administrator_sends_links(client: Client, cast: Cast, mail_on: OutgoingConnection) -> None:
    make_user("admin1", "administrator")
    _login(client, "admin1")
    card = client.get(reverse("contact_detail", args=[cast.client.pk])).content.decode()
    assert reverse("person_send_access", args=["contact", cast.client.pk]) in card
    response = client.post(reverse("person_send_access", args=["contact", cast.client.pk]), {"login": "newcontact"})
    assert response.status_code == 302 and OutboxMessage.objects.count() == 1


def test_technologist_card_has_no_access_tools(client: Client, cast: Cast, mail_on: OutgoingConnection) -> None:
    _login(client, cast.technologist.username)
    card = client.get(reverse("contact_detail", args=[cast.client.pk])).content.decode()
    assert reverse("person_send_access", args=["contact", cast.client.pk]) not in card
    form = client.get(reverse("org_person_edit", args=["employee", cast.operator.pk])).content.decode()
    assert 'name="login"' not in form and 'name="send_access"' not in form and 'name="roles"' not in form


def test_technologist_edit_form_ignores_login_rights_and_links(
    client: Client, cast: Cast, mail_on: OutgoingConnection
) -> None:
    _login(client, cast.technologist.username)
    target = Employee.objects.create(department=cast.it_department, last_name="Без", email="nobody@corp.example")
    data = _employee_post(target, login="takeover", roles=["administrator"], send_access="on")
    response = client.post(reverse("org_person_edit", args=["employee", target.pk]), data)
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.user is None and not OutboxMessage.objects.exists()
    # The technologist's own card cannot make it an administrator either.
    own = Employee.objects.create(user=cast.technologist, department=cast.it_department, last_name="Техно")
    client.post(reverse("org_person_edit", args=["employee", own.pk]), _employee_post(own, roles=["administrator"]))
    assert "administrator" not in cast.technologist.role_codes()
    cast.technologist.refresh_from_db()
    assert not cast.technologist.groups.filter(name="administrator").exists()


@pytest.mark.parametrize("card", ["chief", "root_card"])
def test_technologist_cannot_change_privileged_email(
    client: Client, cast: Cast, card: str, request: pytest.FixtureRequest
) -> None:
    employee: Employee = request.getfixturevalue(card)
    before = employee.email
    _login(client, cast.technologist.username)
    # The operator interface's card ...
    url = reverse("org_person_edit", args=["employee", employee.pk])
    assert "disabled" in _field_html(client.get(url).content.decode(), "email")
    client.post(url, _employee_post(employee, email="mine@evil.example", last_name="Переименован"))
    employee.refresh_from_db()
    assert employee.email == before and employee.last_name == "Переименован"
    # ... and the technologist interface's.
    admin_url = reverse("admin:servicedesk_employee_change", args=[employee.pk])
    page = client.get(admin_url).content.decode()
    assert 'name="email"' not in page and 'name="user"' not in page
    client.post(admin_url, _employee_post(employee, email="mine@evil.example", user=cast.technologist.pk))
    employee.refresh_from_db()
    assert employee.email == before and employee.user is not None and employee.user.username in ("chief", "root")


def test_technologist_changes_ordinary_email(client: Client, cast: Cast) -> None:
    _login(client, cast.technologist.username)
    url = reverse("org_person_edit", args=["employee", cast.operator.pk])
    client.post(url, _employee_post(cast.operator, email="operator2@corp.example"))
    cast.operator.refresh_from_db()
    assert cast.operator.email == "operator2@corp.example"


def test_administrator_changes_administrator_email_not_superuser(
    client: Client, cast: Cast, chief: Employee, root_card: Employee
) -> None:
    make_user("admin1", "administrator")
    _login(client, "admin1")
    client.post(reverse("org_person_edit", args=["employee", chief.pk]), _employee_post(chief, email="c2@corp.example"))
    chief.refresh_from_db()
    assert chief.email == "c2@corp.example"
    url = reverse("org_person_edit", args=["employee", root_card.pk])
    client.post(url, _employee_post(root_card, email="r2@evil.example"))
    root_card.refresh_from_db()
    assert root_card.email == "root@corp.example"


def test_technologist_contact_admin_keeps_login(client: Client, cast: Cast) -> None:
    contact_login = make_user("clientlogin")
    contact = Contact.objects.create(company=cast.client_company, last_name="Клиент", email="c@romashka.example")
    _login(client, cast.technologist.username)
    page = client.get(reverse("admin:servicedesk_contact_change", args=[contact.pk])).content.decode()
    assert 'name="user"' not in page
    assert contact_login.pk  # the login exists but cannot be linked from here


def _field_html(html: str, name: str) -> str:
    start = html.find(f'name="{name}"')
    assert start != -1, name
    return html[html.rfind("<", 0, start) : html.find(">", start) + 1]


# Every URL that manages access, per role: (name, method, url); ALLOWED says who may use which.
def _urls(cast: Cast, root: User) -> list[tuple[str, str, str]]:
    return [
        ("send link", "POST", reverse("person_send_access", args=["employee", cast.operator.pk])),
        ("edit card", "GET", reverse("org_person_edit", args=["employee", cast.operator.pk])),
        ("user card", "POST", reverse("admin:servicedesk_user_change", args=[cast.operator.user_id])),
        ("set password", "GET", reverse("admin:auth_user_password_change", args=[cast.operator.user_id])),
        ("superuser password", "GET", reverse("admin:auth_user_password_change", args=[root.pk])),
    ]


ALLOWED = {
    "admin1": {"send link", "edit card", "user card", "set password"},
    "system": {"edit card"},  # the card without login, rights and links
    "operator": set(),
    "auditor": set(),
    "line2": set(),
    "client": set(),
}


@pytest.mark.parametrize("who", sorted(ALLOWED))
def test_every_access_url_per_role(client: Client, cast: Cast, mail_on: OutgoingConnection, who: str) -> None:
    make_user("admin1", "administrator")
    root = User.objects.create_superuser("root", "root@corp.example", PASSWORD)
    _login(client, who)
    for name, method, url in _urls(cast, root):
        response = client.post(url, {"login": "x"}) if method == "POST" else client.get(url)
        allowed = response.status_code in (200, 302) and "/login/" not in response.get("Location", "")
        assert allowed == (name in ALLOWED[who]), (who, name, response.status_code)
    if who != "admin1":
        cast.operator.user.refresh_from_db()
        assert cast.operator.user.username == "operator"  # none of the POSTs changed the login

"""The named cast every test uses: a technologist, an operator (specialist), a second-line
specialist with a team, an auditor, and an outsider client contact; plus a small catalogue."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group

from servicedesk import roles
from servicedesk.models import (
    Agreement,
    Company,
    Contact,
    Department,
    Employee,
    Service,
    Team,
    TicketType,
    User,
)

PASSWORD = "pass-Word-42"


def make_user(username: str, *role_codes: str, email: str = "", **extra: object) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, email=email, **extra)
    if role_codes:
        user.groups.add(*Group.objects.filter(name__in=role_codes))
    return user


def make_employee(
    username: str,
    department: Department,
    *role_codes: str,
    last_name: str,
    first_name: str = "",
    email: str | None = None,
    extension: str = "",
) -> Employee:
    email = email if email is not None else f"{username}@corp.example"
    user = make_user(username, *role_codes, email=email) if username else None
    return Employee.objects.create(
        user=user,
        department=department,
        last_name=last_name,
        first_name=first_name,
        email=email,
        phone_extension=extension,
    )


@dataclass
class Cast:
    it_department: Department
    support_department: Department
    technologist: User
    operator: Employee
    second_line: Employee
    second_line_peer: Employee
    auditor: Employee
    team: Team
    other_team: Team
    client_company: Company
    client: Contact
    outsider: Contact
    incident: TicketType
    request: TicketType
    email_service: Service
    printer_service: Service
    base_agreement: Agreement


@pytest.fixture
def cast(db: None) -> Cast:
    it = Department.objects.create(name="ИТ-департамент")
    support = Department.objects.create(name="Служба поддержки", parent=it)
    technologist = make_user("system", roles.TECHNOLOGIST, email="system@corp.example", is_staff=True)
    operator = make_employee(
        "operator", support, roles.SPECIALIST, last_name="Иванова", first_name="Анна", extension="201"
    )
    second = make_employee("line2", support, roles.SECOND_LINE, last_name="Петров", first_name="Пётр", extension="202")
    peer = make_employee("line2peer", support, roles.SECOND_LINE, last_name="Сидоров", first_name="Семён")
    auditor = make_employee("auditor", it, roles.AUDITOR, last_name="Аудитова", first_name="Алла")
    team = Team.objects.create(name="Вторая линия")
    team.members.add(second)
    other_team = Team.objects.create(name="Сети")
    other_team.members.add(peer)
    company = Company.objects.create(name="ООО Ромашка", email_domain="romashka.example")
    client_user = make_user("client")
    client = Contact.objects.create(
        company=company, user=client_user, last_name="Клиентов", first_name="Кирилл", email="kirill@romashka.example"
    )
    outsider_company = Company.objects.create(name="АО Чужие")
    outsider = Contact.objects.create(
        company=outsider_company, user=make_user("outsider"), last_name="Посторонний", email="x@outsider.example"
    )
    incident = TicketType.objects.get(code="incident")
    request = TicketType.objects.get(code="service_request")
    email_service = Service.objects.create(
        name="Корпоративная почта", name_en="Corporate e-mail", responsible_team=team
    )
    email_service.ticket_types.add(incident, request)
    printer_service = Service.objects.create(name="Принтеры", name_en="Printers")
    printer_service.ticket_types.add(incident)
    base = Agreement.base()
    base.services.add(email_service)
    return Cast(
        it,
        support,
        technologist,
        operator,
        second,
        peer,
        auditor,
        team,
        other_team,
        company,
        client,
        outsider,
        incident,
        request,
        email_service,
        printer_service,
        base,
    )

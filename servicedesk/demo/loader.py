"""Demo data for `manage.py load_demo`: a small Russian company, its clients and ~40 tickets.

Everything is found by a natural key before it is created (department name and parent, e-mail,
company name, team name, service name, agreement name, ticket subject), so loading twice creates
nothing new. Tickets go through the service functions, so their history and comments are the
real thing; afterwards their timestamps are spread over the past weeks to look lived-in.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from .. import roles
from ..models import (
    Agreement,
    Comment,
    Company,
    Contact,
    Department,
    Employee,
    Service,
    ServiceSchedule,
    Team,
    Ticket,
    TicketChannel,
    TicketHistory,
    TicketStatus,
    TicketType,
    User,
)
from ..services.agreements import agreements_for
from ..services.tickets import add_comment, assign_ticket, change_status, create_ticket
from .tickets import TICKETS, DemoTicket

MAIL_DOMAIN = "corp.example"

# (name, parent name or None)
DEPARTMENTS: list[tuple[str, str | None]] = [
    ("ИТ-департамент", None),
    ("Служба поддержки", "ИТ-департамент"),
    ("Сети", "ИТ-департамент"),
    ("Системное администрирование", "ИТ-департамент"),
    ("Бухгалтерия", None),
    ("Отдел продаж", None),
    ("Региональные продажи", "Отдел продаж"),
]


@dataclass(frozen=True)
class DemoPerson:
    key: str  # mailbox name and, for those with a login, the username
    last_name: str
    first_name: str
    patronymic: str
    department: str
    position: str
    mobile: str
    extension: str
    roles: tuple[str, ...] = ()  # empty: no login, an unlicensed employee


EMPLOYEES: list[DemoPerson] = [
    DemoPerson(
        "operator",
        "Иванова",
        "Анна",
        "Сергеевна",
        "Служба поддержки",
        "Специалист первой линии",
        "+7 916 201-11-01",
        "201",
        (roles.SPECIALIST,),
    ),
    DemoPerson(
        "smirnov",
        "Смирнов",
        "Дмитрий",
        "Олегович",
        "Служба поддержки",
        "Специалист первой линии",
        "+7 916 201-11-02",
        "202",
        (roles.SECOND_LINE,),
    ),
    DemoPerson(
        "petrov",
        "Петров",
        "Пётр",
        "Алексеевич",
        "Системное администрирование",
        "Системный администратор",
        "+7 916 201-11-03",
        "211",
        (roles.SECOND_LINE,),
    ),
    DemoPerson(
        "kuznetsova",
        "Кузнецова",
        "Мария",
        "Игоревна",
        "Системное администрирование",
        "Администратор почтовых систем",
        "+7 916 201-11-04",
        "212",
        (roles.SECOND_LINE, roles.CHANGE_SPECIALIST),
    ),
    DemoPerson(
        "sokolov",
        "Соколов",
        "Андрей",
        "Викторович",
        "Системное администрирование",
        "Ведущий инженер",
        "+7 916 201-11-05",
        "213",
        (roles.SECOND_LINE, roles.PROBLEM_SPECIALIST),
    ),
    DemoPerson(
        "volkov",
        "Волков",
        "Игорь",
        "Николаевич",
        "Сети",
        "Сетевой инженер",
        "+7 916 201-11-06",
        "221",
        (roles.SECOND_LINE,),
    ),
    DemoPerson(
        "orlov",
        "Орлов",
        "Константин",
        "Павлович",
        "Сети",
        "Инженер связи",
        "+7 916 201-11-07",
        "222",
        (roles.SECOND_LINE,),
    ),
    DemoPerson(
        "morozova",
        "Морозова",
        "Елена",
        "Викторовна",
        "ИТ-департамент",
        "Директор по ИТ",
        "+7 916 201-11-08",
        "200",
        (roles.AUDITOR,),
    ),
    DemoPerson(
        "lebedeva", "Лебедева", "Ольга", "Михайловна", "Бухгалтерия", "Главный бухгалтер", "+7 916 201-11-09", "301"
    ),
    DemoPerson(
        "novikova",
        "Новикова",
        "Татьяна",
        "Андреевна",
        "Бухгалтерия",
        "Бухгалтер по расчётам",
        "+7 916 201-11-10",
        "302",
    ),
    DemoPerson(
        "kozlov",
        "Козлов",
        "Сергей",
        "Петрович",
        "Отдел продаж",
        "Руководитель отдела продаж",
        "+7 916 201-11-11",
        "401",
    ),
    DemoPerson(
        "fedorova", "Фёдорова", "Наталья", "Юрьевна", "Отдел продаж", "Менеджер по продажам", "+7 916 201-11-12", "402"
    ),
    DemoPerson(
        "popov",
        "Попов",
        "Алексей",
        "Романович",
        "Региональные продажи",
        "Региональный менеджер",
        "+7 916 201-11-13",
        "411",
    ),
    DemoPerson(
        "vasilieva",
        "Васильева",
        "Ирина",
        "Денисовна",
        "Региональные продажи",
        "Менеджер по продажам",
        "+7 916 201-11-14",
        "412",
    ),
    DemoPerson(
        "zaitsev",
        "Зайцев",
        "Михаил",
        "Евгеньевич",
        "Отдел продаж",
        "Менеджер по работе с ключевыми клиентами",
        "+7 916 201-11-15",
        "403",
    ),
]
# Department heads by department name -> employee key.
HEADS = {"ИТ-департамент": "morozova", "Бухгалтерия": "lebedeva", "Отдел продаж": "kozlov"}

# (name, parent name or None, mail domain, phone)
COMPANIES: list[tuple[str, str | None, str, str]] = [
    ("ООО «Ромашка»", None, "romashka.example", "+7 495 100-20-30"),
    ("ООО «Ромашка», филиал Санкт-Петербург", "ООО «Ромашка»", "spb.romashka.example", "+7 812 100-20-31"),
    ("ООО «Ромашка», филиал Краснодар", "ООО «Ромашка»", "krd.romashka.example", "+7 861 100-20-32"),
    ("АО «ТехноСтрой»", None, "technostroy.example", "+7 343 200-30-40"),
    ("АО «ТехноСтрой», филиал Екатеринбург", "АО «ТехноСтрой»", "ekb.technostroy.example", "+7 343 200-30-41"),
]

# (mailbox, domain, surname, name, patronymic, company, position, phone)
CONTACTS: list[tuple[str, str, str, str, str, str, str, str]] = [
    (
        "a.belova",
        "romashka.example",
        "Белова",
        "Алина",
        "Сергеевна",
        "ООО «Ромашка»",
        "Офис-менеджер",
        "+7 495 100-20-33",
    ),
    (
        "k.kirillov",
        "romashka.example",
        "Кириллов",
        "Кирилл",
        "Андреевич",
        "ООО «Ромашка»",
        "Генеральный директор",
        "+7 495 100-20-34",
    ),
    (
        "d.gromov",
        "spb.romashka.example",
        "Громов",
        "Денис",
        "Ильич",
        "ООО «Ромашка», филиал Санкт-Петербург",
        "Руководитель филиала",
        "+7 812 100-20-35",
    ),
    (
        "v.titova",
        "krd.romashka.example",
        "Титова",
        "Вера",
        "Олеговна",
        "ООО «Ромашка», филиал Краснодар",
        "Администратор офиса",
        "+7 861 100-20-36",
    ),
    (
        "r.egorov",
        "technostroy.example",
        "Егоров",
        "Роман",
        "Валерьевич",
        "АО «ТехноСтрой»",
        "ИТ-менеджер",
        "+7 343 200-30-42",
    ),
    (
        "s.makarova",
        "ekb.technostroy.example",
        "Макарова",
        "Светлана",
        "Борисовна",
        "АО «ТехноСтрой», филиал Екатеринбург",
        "Секретарь",
        "+7 343 200-30-43",
    ),
]
COMPANY_HEADS = {"ООО «Ромашка»": "k.kirillov", "АО «ТехноСтрой»": "r.egorov"}

# (name, leader key, member keys, team mailbox)
TEAMS: list[tuple[str, str, tuple[str, ...], str]] = [
    ("Первая линия", "operator", ("operator", "smirnov"), "support"),
    ("Вторая линия", "sokolov", ("petrov", "kuznetsova", "sokolov"), "line2"),
    ("Сети", "volkov", ("volkov", "orlov"), "network"),
]

# Seed 004, step 4: (name, name_en, description, ticket type codes, responsible team, responsible employee)
SERVICES: list[tuple[str, str, str, tuple[str, ...], str | None, str | None]] = [
    (
        "Интернет",
        "Internet",
        "Предоставление сотрудникам доступа в сеть интернет",
        ("incident", "service_request"),
        "Сети",
        None,
    ),
    (
        "Корпоративная почта",
        "Corporate e-mail",
        "Обмен электронными сообщениями между сотрудниками внутри компании и с внешними клиентами",
        ("incident", "service_request"),
        "Вторая линия",
        "kuznetsova",
    ),
    (
        "Принтеры",
        "Printers",
        "Предоставление сотрудникам возможности пользоваться оргтехникой",
        ("incident", "service_request"),
        "Первая линия",
        None,
    ),
    (
        "Телефония",
        "Telephony",
        "Предоставление сотрудникам городской, междугородней связи, IP-телефонии",
        ("incident", "service_request"),
        "Сети",
        "orlov",
    ),
    (
        "Рабочее место",
        "Workplace",
        "Организация рабочего места для сотрудников и его комплектация",
        ("incident", "service_request"),
        "Первая линия",
        None,
    ),
    (
        "Бухгалтерия",
        "Accounting",
        "Предоставление сотрудникам бухгалтерских документов: выдача справок, оформление командировок и т. д.",
        ("service_request", "appeal"),
        None,
        "lebedeva",
    ),
]

CLIENT_AGREEMENT = ("Обслуживание ООО «Ромашка»", "Romashka support")
CLIENT_AGREEMENT_SERVICES = ("Интернет", "Корпоративная почта", "Принтеры", "Телефония")


@dataclass
class DemoResult:
    created: Counter[str] = field(default_factory=Counter)
    # username -> the new password, or None when the login already existed
    credentials: dict[str, str | None] = field(default_factory=dict)


@dataclass
class _World:
    """What the loader found or created, by natural key, for the later steps."""

    departments: dict[str, Department] = field(default_factory=dict)
    employees: dict[str, Employee] = field(default_factory=dict)
    companies: dict[str, Company] = field(default_factory=dict)
    contacts: dict[str, Contact] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)
    types: dict[str, TicketType] = field(default_factory=dict)
    client_agreement: Agreement | None = None


def load_demo() -> DemoResult:
    """Create whatever part of the demo data is missing, in one transaction."""
    result = DemoResult()
    world = _World(types={t.code: t for t in TicketType.objects.all()})
    with transaction.atomic():
        _load_logins(result)
        _load_departments(world, result)
        _load_employees(world, result)
        _load_clients(world, result)
        _load_teams(world, result)
        _load_services(world, result)
        _load_agreements(world, result)
        operator = User.objects.get(username="operator")
        for spec in TICKETS:
            if not Ticket.objects.filter(subject=spec.subject).exists():
                _load_ticket(world, spec, operator)
                result.created["tickets"] += 1
    return result


def _new_password() -> str:
    return settings.DEMO_PASSWORD or secrets.token_urlsafe(9)


def _ensure_login(
    username: str, role_codes: tuple[str, ...], result: DemoResult, *, usable: bool, email: str, **extra: object
) -> User:
    """The login with these groups; a password is set only when the login is new."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, email=email, **extra)
        if usable:
            password = _new_password()
            user.set_password(password)
            result.credentials[username] = password
        else:
            # Demo colleagues exist to be assigned tickets; an administrator gives them a password.
            user.set_unusable_password()
        user.save()
        result.created["logins"] += 1
    elif usable:
        result.credentials[username] = None
    user.groups.add(*Group.objects.filter(name__in=role_codes))
    return user


def _load_logins(result: DemoResult) -> None:
    _ensure_login(
        "system",
        (roles.TECHNOLOGIST,),
        result,
        usable=True,
        email=f"system@{MAIL_DOMAIN}",
        is_staff=True,
        first_name="Технолог",
    )


def _load_departments(world: _World, result: DemoResult) -> None:
    for name, parent_name in DEPARTMENTS:
        parent = world.departments[parent_name] if parent_name else None
        dept, created = Department.objects.get_or_create(name=name, parent=parent)
        world.departments[name] = dept
        result.created["departments"] += created


def _load_employees(world: _World, result: DemoResult) -> None:
    for person in EMPLOYEES:
        email = f"{person.key}@{MAIL_DOMAIN}"
        user = None
        if person.roles:
            user = _ensure_login(
                person.key,
                person.roles,
                result,
                usable=person.key == "operator",
                email=email,
                first_name=person.first_name,
                last_name=person.last_name,
            )
        employee, created = Employee.objects.get_or_create(
            email=email,
            defaults={
                "user": user,
                "department": world.departments[person.department],
                "last_name": person.last_name,
                "first_name": person.first_name,
                "patronymic": person.patronymic,
                "position": person.position,
                "mobile_phone": person.mobile,
                "phone_extension": person.extension,
                "is_licensed": bool(person.roles),
            },
        )
        world.employees[person.key] = employee
        result.created["employees"] += created
    for dept_name, key in HEADS.items():
        Department.objects.filter(pk=world.departments[dept_name].pk, head=None).update(head=world.employees[key])


def _load_clients(world: _World, result: DemoResult) -> None:
    for name, parent_name, domain, phone in COMPANIES:
        parent = world.companies[parent_name] if parent_name else None
        company, created = Company.objects.get_or_create(
            name=name, defaults={"parent": parent, "email_domain": domain, "phone": phone}
        )
        world.companies[name] = company
        result.created["companies"] += created
    for mailbox, domain, last, first, patronymic, company_name, position, phone in CONTACTS:
        contact, created = Contact.objects.get_or_create(
            email=f"{mailbox}@{domain}",
            defaults={
                "company": world.companies[company_name],
                "last_name": last,
                "first_name": first,
                "patronymic": patronymic,
                "position": position,
                "phone": phone,
            },
        )
        world.contacts[mailbox] = contact
        result.created["contacts"] += created
    for company_name, key in COMPANY_HEADS.items():
        Company.objects.filter(pk=world.companies[company_name].pk, head=None).update(head=world.contacts[key])


def _load_teams(world: _World, result: DemoResult) -> None:
    for name, leader, members, mailbox in TEAMS:
        team, created = Team.objects.get_or_create(
            name=name, defaults={"leader": world.employees[leader], "email": f"{mailbox}@{MAIL_DOMAIN}"}
        )
        if created:
            team.members.add(*(world.employees[key] for key in members))
        world.teams[name] = team
        result.created["teams"] += created


def _load_services(world: _World, result: DemoResult) -> None:
    for name, name_en, description, type_codes, team, employee in SERVICES:
        service, created = Service.objects.get_or_create(
            name=name,
            parent=None,
            defaults={
                "name_en": name_en,
                "description": description,
                "responsible_team": world.teams[team] if team else None,
                "responsible_employee": world.employees[employee] if employee else None,
            },
        )
        if created:
            service.ticket_types.add(*(world.types[code] for code in type_codes))
        world.services[name] = service
        result.created["services"] += created


def _load_agreements(world: _World, result: DemoResult) -> None:
    base = Agreement.base()
    base.services.add(*world.services.values())
    name, name_en = CLIENT_AGREEMENT
    agreement, created = Agreement.objects.get_or_create(
        name=name,
        is_base=False,
        defaults={
            "name_en": name_en,
            "spread_over_org": True,
            "reaction_hours": 2,
            "resolution_hours": 8,
            "description": "Круглосуточная поддержка головного офиса и филиалов ООО «Ромашка».",
            "schedule": ServiceSchedule.objects.filter(around_the_clock=True).first(),
        },
    )
    if created:
        agreement.services.add(*(world.services[s] for s in CLIENT_AGREEMENT_SERVICES))
        agreement.companies.add(world.companies["ООО «Ромашка»"])
    world.client_agreement = agreement
    result.created["agreements"] += created


def _load_ticket(world: _World, spec: DemoTicket, operator: User) -> None:
    started = timezone.now()
    employee = world.employees.get(spec.requester)
    contact = world.contacts.get(spec.requester)
    from_mail = spec.channel == TicketChannel.EMAIL
    ticket = create_ticket(
        actor=None if from_mail else operator,
        ticket_type=world.types[spec.type],
        subject=spec.subject,
        description=spec.description,
        service=world.services[spec.service],
        agreement=_client_agreement(world, contact, spec.service),
        requester_employee=employee,
        requester_contact=contact,
        priority=spec.priority,
        channel=spec.channel,
    )
    worker = _pick_worker(world, ticket, spec)
    actor = worker.user if worker is not None and worker.user is not None else operator
    if spec.status != TicketStatus.NEW and worker is not None:
        assign_ticket(ticket=ticket, actor=operator, employee=worker, team=ticket.responsible_team)
    for step in _status_path(spec.status):
        if step == TicketStatus.WAITING:
            add_comment(ticket=ticket, actor=actor, body=spec.question or "Уточните, пожалуйста, детали.")
        if step == TicketStatus.RESOLVED and spec.note:
            add_comment(ticket=ticket, actor=actor, body=spec.note, is_private=True)
        if step == TicketStatus.RESUMED:
            add_comment(
                ticket=ticket,
                actor=None,
                body=spec.reopen or "Проблема повторилась.",
                author_name=ticket.requester_display,
                author_email=ticket.requester_email,
                source=Comment.Source.EMAIL,
            )
        change_status(ticket=ticket, actor=actor, status=step, comment=_status_comment(spec, step))
    if spec.status == TicketStatus.NEW and spec.note:
        add_comment(ticket=ticket, actor=operator, body=spec.note, is_private=True)
    _spread_over_time(ticket, started, spec.age_hours)


def _client_agreement(world: _World, contact: Contact | None, service: str) -> Agreement | None:
    """The client's own agreement where it covers the ticket; otherwise the base one applies.

    Named explicitly because with several agreements the base one wins (seed 004), and the demo
    should show tickets under a client agreement too.
    """
    agreement = world.client_agreement
    if contact is None or agreement is None or service not in CLIENT_AGREEMENT_SERVICES:
        return None
    return agreement if agreements_for(contact=contact).filter(pk=agreement.pk).exists() else None


def _pick_worker(world: _World, ticket: Ticket, spec: DemoTicket) -> Employee | None:
    if ticket.responsible_team is None:
        return ticket.responsible_employee
    members = sorted(ticket.responsible_team.members.all(), key=lambda e: e.pk)
    return members[len(spec.subject) % len(members)] if members else None


_PATHS: dict[str, tuple[str, ...]] = {
    TicketStatus.NEW: (),
    TicketStatus.IN_PROGRESS: (TicketStatus.IN_PROGRESS,),
    TicketStatus.WAITING: (TicketStatus.IN_PROGRESS, TicketStatus.WAITING),
    TicketStatus.RESOLVED: (TicketStatus.IN_PROGRESS, TicketStatus.RESOLVED),
    TicketStatus.CLOSED: (TicketStatus.IN_PROGRESS, TicketStatus.RESOLVED, TicketStatus.CLOSED),
    TicketStatus.RESUMED: (TicketStatus.IN_PROGRESS, TicketStatus.RESOLVED, TicketStatus.RESUMED),
    TicketStatus.CANCELLED: (TicketStatus.CANCELLED,),
}


def _status_path(status: str) -> tuple[str, ...]:
    return _PATHS[status]


def _status_comment(spec: DemoTicket, step: str) -> str:
    if step == TicketStatus.IN_PROGRESS:
        return "Заявка принята в работу."
    if step == TicketStatus.RESOLVED:
        return spec.solution or "Работы выполнены, проверьте, пожалуйста."
    if step == TicketStatus.CANCELLED:
        return "Заявка отменена по просьбе заявителя."
    return ""


def _spread_over_time(ticket: Ticket, started: dt.datetime, age_hours: float) -> None:
    """Move the ticket's life from "just now" into the past, keeping the order of events.

    Every event took milliseconds; each distinct moment is placed a step apart instead,
    starting `age_hours` ago. Deadlines move with the registration time.
    """
    begin = timezone.now() - dt.timedelta(hours=age_hours)
    history = list(TicketHistory.objects.filter(ticket=ticket).values_list("pk", "at"))
    comments = list(Comment.objects.filter(ticket=ticket).values_list("pk", "created_at"))
    row = Ticket.objects.get(pk=ticket.pk)
    moments = sorted({at for _pk, at in history} | {at for _pk, at in comments})
    step = dt.timedelta(hours=age_hours) * 0.8 / max(len(moments), 1)

    def moved(at: dt.datetime | None) -> dt.datetime | None:
        if at is None:
            return None
        index = sum(1 for m in moments if m <= at)
        return begin + step * max(index - 1, 0) + dt.timedelta(seconds=index)

    for pk, at in history:
        TicketHistory.objects.filter(pk=pk).update(at=moved(at))
    for pk, at in comments:
        Comment.objects.filter(pk=pk).update(created_at=moved(at))
    shift = begin - started
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=begin,
        updated_at=moved(max([row.updated_at, *moments])),
        reacted_at=moved(row.reacted_at),
        resolved_at=moved(row.resolved_at),
        closed_at=moved(row.closed_at),
        reaction_deadline=row.reaction_deadline + shift if row.reaction_deadline else None,
        resolution_deadline=row.resolution_deadline + shift if row.resolution_deadline else None,
    )

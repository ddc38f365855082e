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
from collections.abc import Callable
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
    TicketClockPeriod,
    TicketHistory,
    TicketStatus,
    TicketType,
    User,
)
from ..services.agreements import agreements_for
from ..services.sla import deadlines_changed, recompute_clocks, write_periods
from ..services.tickets import add_comment, assign_ticket, change_status, create_ticket
from .org import (
    CLIENT_AGREEMENT,
    CLIENT_AGREEMENT_SERVICES,
    COMPANIES,
    COMPANY_HEADS,
    CONTACTS,
    DEPARTMENTS,
    EMPLOYEES,
    HEADS,
    MAIL_DOMAIN,
    SERVICES,
    TEAMS,
)
from .sla import install_sla_setup, load_sla_extras
from .tickets import TICKETS, DemoTicket


@dataclass
class DemoResult:
    created: Counter[str] = field(default_factory=Counter)
    # username -> the new password, or None when the login already existed
    credentials: dict[str, str | None] = field(default_factory=dict)


# Demo data of other apps (telephony's calls), loaded after the core's in the same transaction:
# the core cannot import them (imports point one way), so they register here from ready().
DEMO_PARTS: list[Callable[[DemoResult], None]] = []


def register_demo_part(loader: Callable[[DemoResult], None]) -> None:
    """Add an app's demo data; `loader` must be idempotent (find by natural key before creating)."""
    if loader not in DEMO_PARTS:
        DEMO_PARTS.append(loader)


# The contact person who gets the demo client login (the cabinet shows their company's tickets).
CLIENT_CONTACT = "a.belova"


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
        result.created["SLA rules"] += install_sla_setup(world.client_agreement)
        operator = User.objects.get(username="operator")
        for spec in TICKETS:
            if not Ticket.objects.filter(subject=spec.subject).exists():
                _load_ticket(world, spec, operator)
                result.created["tickets"] += 1
        result.created["SLA demo items"] += load_sla_extras(world.services, world.contacts, operator, _spread_over_time)
        for part in DEMO_PARTS:
            part(result)
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
    _load_client_login(world.contacts[CLIENT_CONTACT], result)
    for company_name, key in COMPANY_HEADS.items():
        Company.objects.filter(pk=world.companies[company_name].pk, head=None).update(head=world.contacts[key])


def _load_client_login(contact: Contact, result: DemoResult) -> None:
    """`client`: a contact person's login to the personal cabinet (/cabinet/), seeing the whole
    company's tickets."""
    user = _ensure_login(
        "client",
        (),
        result,
        usable=True,
        email=contact.email,
        first_name=contact.first_name,
        last_name=contact.last_name,
    )
    if contact.user_id is None:
        Contact.objects.filter(pk=contact.pk).update(user=user, sees_company_tickets=True)


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
            "reaction_amount": 2,
            "resolution_amount": 8,
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
    write_periods(row)
    periods = list(TicketClockPeriod.objects.filter(ticket=ticket).values_list("pk", "started_at", "ended_at"))
    for index, (pk, start, end) in enumerate(periods):
        # Registration is the first moment; each status stretch moves with its history row.
        TicketClockPeriod.objects.filter(pk=pk).update(
            started_at=begin if index == 0 else moved(start), ended_at=moved(end) if end else None
        )
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=begin,
        updated_at=moved(max([row.updated_at, *moments])),
        reacted_at=moved(row.reacted_at),
        resolved_at=moved(row.resolved_at),
        closed_at=moved(row.closed_at),
    )
    # Deadlines from the moved periods, in working time, as if the ticket had lived through them.
    fresh = Ticket.objects.select_related("agreement__schedule").get(pk=ticket.pk)
    fresh.save(update_fields=recompute_clocks(fresh, timezone.now()))
    deadlines_changed("ticket", [fresh])

"""Demo SLA: rules per priority, the production calendar, the seed's 8×5 schedule, tasks and an
approval, and tickets near and past their deadlines so that escalations fire in the first minutes
of `make run` (the client's 24×7 agreement is working time at any hour, so they are never held).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone

from ..models import (
    Agreement,
    Approval,
    ClockKind,
    Employee,
    HolidayCalendar,
    Priority,
    ServiceSchedule,
    SlaRule,
    Ticket,
    TicketChannel,
    TicketStatus,
    TicketTask,
    TimeUnit,
    User,
)
from ..services.tickets import create_ticket
from ..services.work import add_task, request_approval

# The seed's 8×5: 09:00-19:00 Monday to Friday with a one-hour break.
SEED_8X5 = {str(d): [["09:00", "13:00"], ["14:00", "19:00"]] for d in range(1, 6)}
# (kind, priorities, amount, unit) per agreement: the first matching rule wins.
BASE_RULES = [
    (ClockKind.REACTION, [Priority.CRITICAL], "15", TimeUnit.MINUTES),
    (ClockKind.REACTION, [Priority.HIGH], "1", TimeUnit.HOURS),
    (ClockKind.RESOLUTION, [Priority.CRITICAL], "4", TimeUnit.HOURS),
    (ClockKind.RESOLUTION, [Priority.HIGH], "8", TimeUnit.HOURS),
    (ClockKind.RESOLUTION, [Priority.NORMAL], "16", TimeUnit.HOURS),
    (ClockKind.RESOLUTION, [Priority.LOW], "1", TimeUnit.DAYS),
]
CLIENT_RULES = [
    (ClockKind.REACTION, [Priority.CRITICAL], "15", TimeUnit.MINUTES),
    (ClockKind.RESOLUTION, [Priority.CRITICAL], "2", TimeUnit.HOURS),
]


def install_sla_setup(client_agreement: Agreement | None) -> int:
    """Schedules and rules (before the tickets, whose deadlines depend on them); returns rules made."""
    calendar = HolidayCalendar.objects.filter(country="RU").first()
    ServiceSchedule.objects.get_or_create(
        name="8×5: пн–пт 09:00–19:00, перерыв 13:00–14:00",
        defaults={
            "name_en": "8×5: Mon–Fri 09:00–19:00, break 13:00–14:00",
            "intervals": SEED_8X5,
            "calendar": calendar,
        },
    )
    created = _rules(Agreement.base(), BASE_RULES)
    if client_agreement is not None:
        created += _rules(client_agreement, CLIENT_RULES)
    return created


def _rules(agreement: Agreement, rules: list[tuple[ClockKind, list[Priority], str, TimeUnit]]) -> int:
    created = 0
    for position, (kind, priorities, amount, unit) in enumerate(rules, start=1):
        _rule, made = SlaRule.objects.get_or_create(
            agreement=agreement,
            kind=kind,
            position=position,
            defaults={"priorities": priorities, "amount": Decimal(amount), "unit": unit},
        )
        created += made
    return created


# (subject, requester contact e-mail, service, priority, hours ago): under the client's 24×7
# agreement, critical (2 h to resolve, 15 min to react): the 75 % and reaction levels are past, the
# 100 % level comes a few minutes after loading; one ticket is already overdue.
NEAR = [
    ("Не открывается CRM у всего отдела продаж", "a.belova@romashka.example", "Интернет", Priority.CRITICAL, 1.93),
    (
        "Не проходят звонки в офис Санкт-Петербурга",
        "d.gromov@spb.romashka.example",
        "Телефония",
        Priority.CRITICAL,
        2.5,
    ),
]


def load_sla_extras(
    services: dict, contacts: dict, operator: User, spread: Callable[[Ticket, dt.datetime, float], None]
) -> int:
    """Near-deadline tickets, a task or two and an approval; returns how many objects were made."""
    made = 0
    by_email = {contact.email: contact for contact in contacts.values()}
    for subject, email, service, priority, hours in NEAR:
        if Ticket.objects.filter(subject=subject).exists():
            continue
        started = timezone.now()
        ticket = create_ticket(
            actor=None,
            ticket_type=services[service].ticket_types.order_by("pk").first(),
            subject=subject,
            description="Срочно: работа отдела остановлена.",
            service=services[service],
            requester_contact=by_email[email],
            priority=priority,
            channel=TicketChannel.EMAIL,
        )
        spread(ticket, started, hours)
        made += 1
    made += _work_items(operator)
    return made


APPROVAL_SUBJECT = "Закупка нового ноутбука для сотрудника"


def _work_items(operator: User) -> int:
    target = Ticket.objects.filter(status=TicketStatus.IN_PROGRESS).order_by("pk").first()
    waiting_for = (
        Ticket.objects.filter(status=TicketStatus.NEW, requester_employee__isnull=False).order_by("pk").first()
    )
    made = 0
    people = {e.email.split("@")[0]: e for e in Employee.objects.filter(user__isnull=False)}
    if target is not None and not TicketTask.objects.filter(title="Проверить порт на коммутаторе").exists():
        add_task(
            ticket=target,
            actor=operator,
            title="Проверить порт на коммутаторе",
            description="Порт Gi0/12, журнал ошибок за сутки.",
            responsible_employee=people.get("volkov"),
            responsible_team=None,
            work_time=dt.timedelta(minutes=30),
            is_mandatory=True,
        )
        add_task(
            ticket=target,
            actor=operator,
            title="Сообщить заявителю о результатах",
            responsible_employee=people.get("operator"),
            work_time=dt.timedelta(hours=4),
        )
        made += 2
    if waiting_for is not None and not Approval.objects.filter(subject=APPROVAL_SUBJECT).exists():
        request_approval(
            ticket=waiting_for,
            actor=operator,
            subject=APPROVAL_SUBJECT,
            description="Модель: 14″, 16 ГБ ОЗУ; стоимость до 120 000 ₽.",
            approvers=[p for p in (people.get("morozova"), people.get("sokolov")) if p is not None],
            work_time=dt.timedelta(hours=2),
        )
        made += 1
    return made

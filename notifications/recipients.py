"""Who an event action addresses: requester, responsible, team, watchers, agreement recipients,
user groups and fixed addresses, each reduced to one `Recipient` with a language and a time zone."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings

from servicedesk.models import Contact, Employee, Ticket, User

from .models import EventAction


@dataclass(frozen=True)
class Recipient:
    user_id: int | None
    email: str
    name: str
    language: str
    # The zone of the recipient's profile; empty: the installation's TIME_ZONE (people without a login too).
    time_zone: str = ""
    # A channel reaching a system rather than a person (a webhook) names its endpoint here.
    endpoint: str = ""


def default_language() -> str:
    return "en" if settings.LANGUAGE_CODE.startswith("en") else "ru"


def _person(person: Employee | Contact | None) -> Recipient | None:
    if person is None or not person.is_active:
        return None
    return Recipient(person.user_id, person.email, person.full_name, person.language or default_language())


def _user(user: User) -> Recipient:
    employee = getattr(user, "employee", None)
    if employee is not None:
        return Recipient(user.pk, employee.email or user.email, employee.full_name, employee.language or "ru")
    return Recipient(
        user.pk, user.email, user.get_full_name() or user.get_username(), user.language or default_language()
    )


def _requester(ticket: Ticket) -> Iterator[Recipient]:
    person = _person(ticket.requester_employee or ticket.requester_contact)
    if person is not None:
        yield person
    elif ticket.requester_email:
        yield Recipient(None, ticket.requester_email, ticket.requester_display, default_language())


def _watchers(ticket: Ticket) -> Iterator[Recipient]:
    for watcher in ticket.watchers.select_related("employee", "contact"):
        person = _person(watcher.employee or watcher.contact)
        if person is not None:
            yield person
        elif watcher.email:
            yield Recipient(None, watcher.email, watcher.email, default_language())


def _agreement(ticket: Ticket) -> Iterator[Recipient]:
    agreement = ticket.agreement
    for employee in agreement.employees.filter(is_active=True):
        yield _person(employee)  # type: ignore[misc]
    for contact in agreement.contacts.filter(is_active=True):
        yield _person(contact)  # type: ignore[misc]


def _assignees(data: Mapping[str, Any]) -> Iterator[Recipient | None]:
    """The people an event is about, named by the event itself (task assignees, approvers)."""
    wanted = data.get("assignees") or {}
    employee_ids = set(wanted.get("employee_ids") or [])
    team_ids = wanted.get("team_ids") or []
    if team_ids:
        employee_ids |= set(Employee.objects.filter(teams__in=team_ids).values_list("pk", flat=True))
    for employee in Employee.objects.filter(pk__in=employee_ids, is_active=True).order_by("pk"):
        yield _person(employee)


def _ticket_recipients(action: EventAction, ticket: Ticket) -> Iterator[Recipient | None]:
    if action.to_requester:
        yield from _requester(ticket)
    if action.to_responsible:
        yield _person(ticket.responsible_employee)
    if action.to_team and ticket.responsible_team is not None:
        for member in ticket.responsible_team.members.filter(is_active=True):
            yield _person(member)
    if action.to_watchers:
        yield from _watchers(ticket)
    if action.to_agreement_recipients:
        yield from _agreement(ticket)
    if action.to_team_leader and ticket.responsible_team is not None:
        yield _person(ticket.responsible_team.leader)


def for_employees(employees: Iterable[Employee]) -> list[Recipient]:
    """Employees an app found itself (who missed a call) as recipients, resolved exactly as those
    of event actions: their language and the time zone of their profile; one recipient per active
    employee, in the order given."""
    return _with_time_zones([r for r in (_person(employee) for employee in employees) if r is not None])


def resolve(action: EventAction, ticket: Ticket | None, data: Mapping[str, Any] | None = None) -> list[Recipient]:
    """The action's recipients, in a stable order; duplicates are left for the caller to remove.

    The people an event is about are its "assignees", named by the event (`assignees` in its
    data): a task's assignees, the approvers, the employees who missed a call."""
    found: list[Recipient | None] = []
    if ticket is not None:
        found.extend(_ticket_recipients(action, ticket))
    if action.to_assignees and data:
        found.extend(_assignees(data))
    group_ids = [group.pk for group in action.groups.all()]
    if group_ids:
        users = User.objects.filter(groups__in=group_ids, is_active=True).select_related("employee").distinct()
        found.extend(_user(user) for user in users.order_by("pk"))
    found.extend(Recipient(None, address, address, default_language()) for address in action.fixed_addresses())
    return _with_time_zones([recipient for recipient in found if recipient is not None])


def _with_time_zones(recipients: list[Recipient]) -> list[Recipient]:
    """Each recipient with a login gets the time zone of their profile, in one query."""
    user_ids = {recipient.user_id for recipient in recipients if recipient.user_id is not None}
    if not user_ids:
        return recipients
    zones = dict(User.objects.filter(pk__in=user_ids).exclude(time_zone="").values_list("pk", "time_zone"))
    return [replace(r, time_zone=zones[r.user_id]) if r.user_id in zones else r for r in recipients]

"""Who an event action addresses: requester, responsible, team, watchers, agreement recipients,
user groups and fixed addresses, each reduced to one `Recipient` with a language."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings

from servicedesk.models import Contact, Employee, Ticket, User

from .models import Channel, EventAction


@dataclass(frozen=True)
class Recipient:
    user_id: int | None
    email: str
    name: str
    language: str

    def key(self, channel: str) -> str:
        """Identity for de-duplication and rate limits: the user for push, the address for mail."""
        return f"user:{self.user_id}" if channel == Channel.PUSH else self.email.lower()


def _default_language() -> str:
    return "en" if settings.LANGUAGE_CODE.startswith("en") else "ru"


def _person(person: Employee | Contact | None) -> Recipient | None:
    if person is None or not person.is_active:
        return None
    return Recipient(person.user_id, person.email, person.full_name, person.language or _default_language())


def _user(user: User) -> Recipient:
    employee = getattr(user, "employee", None)
    if employee is not None:
        return Recipient(user.pk, employee.email or user.email, employee.full_name, employee.language or "ru")
    return Recipient(
        user.pk, user.email, user.get_full_name() or user.get_username(), user.language or _default_language()
    )


def _requester(ticket: Ticket) -> Iterator[Recipient]:
    person = _person(ticket.requester_employee or ticket.requester_contact)
    if person is not None:
        yield person
    elif ticket.requester_email:
        yield Recipient(None, ticket.requester_email, ticket.requester_display, _default_language())


def _watchers(ticket: Ticket) -> Iterator[Recipient]:
    for watcher in ticket.watchers.select_related("employee", "contact"):
        person = _person(watcher.employee or watcher.contact)
        if person is not None:
            yield person
        elif watcher.email:
            yield Recipient(None, watcher.email, watcher.email, _default_language())


def _agreement(ticket: Ticket) -> Iterator[Recipient]:
    agreement = ticket.agreement
    for employee in agreement.employees.filter(is_active=True):
        yield _person(employee)  # type: ignore[misc]
    for contact in agreement.contacts.filter(is_active=True):
        yield _person(contact)  # type: ignore[misc]


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


def resolve(action: EventAction, ticket: Ticket | None) -> list[Recipient]:
    """The action's recipients, in a stable order; duplicates are left for the caller to remove."""
    found: list[Recipient | None] = []
    if ticket is not None:
        found.extend(_ticket_recipients(action, ticket))
    group_ids = [group.pk for group in action.groups.all()]
    if group_ids:
        users = User.objects.filter(groups__in=group_ids, is_active=True).select_related("employee").distinct()
        found.extend(_user(user) for user in users.order_by("pk"))
    found.extend(Recipient(None, address, address, _default_language()) for address in action.fixed_addresses())
    return [recipient for recipient in found if recipient is not None]

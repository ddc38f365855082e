"""Who may see and change what. Every view and query goes through these functions.

Rules (seed 004, step 3): administrators and specialists work with every ticket; auditors and
technologists see everything and change nothing; second-line specialists (and change / problem
specialists, who are always combined with them) see only the tickets they or their teams are
responsible for, plus the ones they requested; contact persons see the tickets they requested.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from . import roles
from .models import Contact, Employee, Ticket, User

UserLike = User | AnonymousUser


def _roles(user: UserLike) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    return user.role_codes()


def employee_of(user: UserLike) -> Employee | None:
    if not user.is_authenticated:
        return None
    try:
        return user.employee
    except Employee.DoesNotExist:
        return None


def contact_of(user: UserLike) -> Contact | None:
    if not user.is_authenticated:
        return None
    try:
        return user.contact
    except Contact.DoesNotExist:
        return None


def sees_all_tickets(user: UserLike) -> bool:
    return bool(
        user.is_authenticated and (user.is_superuser or _roles(user) & (roles.ALL_TICKETS_READ | {roles.TECHNOLOGIST}))
    )


def edits_all_tickets(user: UserLike) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or _roles(user) & roles.ALL_TICKETS_WRITE))


def is_limited_operator(user: UserLike) -> bool:
    """Second-line style access: own and own teams' tickets only."""
    limited = {roles.SECOND_LINE, roles.CHANGE_SPECIALIST, roles.PROBLEM_SPECIALIST}
    return bool(_roles(user) & limited) and employee_of(user) is not None


def is_operator(user: UserLike) -> bool:
    """May use the operator interface at all."""
    return sees_all_tickets(user) or is_limited_operator(user)


def is_technologist(user: UserLike) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or roles.TECHNOLOGIST in _roles(user)))


def _limited_filter(employee: Employee) -> Q:
    team_ids = list(employee.teams.values_list("pk", flat=True))
    return Q(responsible_employee=employee) | Q(responsible_team__in=team_ids) | Q(requester_employee=employee)


def visible_tickets(user: UserLike) -> QuerySet[Ticket]:
    qs = Ticket.objects.all()
    if sees_all_tickets(user):
        return qs
    employee = employee_of(user)
    if employee is not None and is_limited_operator(user):
        return qs.filter(_limited_filter(employee))
    contact = contact_of(user)
    if contact is not None:
        return qs.filter(requester_contact=contact)
    return qs.none()


def can_edit_ticket(user: UserLike, ticket: Ticket) -> bool:
    if edits_all_tickets(user):
        return True
    employee = employee_of(user)
    if employee is None or not is_limited_operator(user):
        return False
    return Ticket.objects.filter(_limited_filter(employee), pk=ticket.pk).exists()


def visible_employees(user: UserLike) -> QuerySet[Employee]:
    if sees_all_tickets(user):
        return Employee.objects.all()
    employee = employee_of(user)
    if employee is not None:
        return Employee.objects.filter(pk=employee.pk)  # second line: own card only (seed 004)
    return Employee.objects.none()


def visible_contacts(user: UserLike) -> QuerySet[Contact]:
    if sees_all_tickets(user):
        return Contact.objects.all()
    if is_limited_operator(user):
        ids = visible_tickets(user).exclude(requester_contact=None).values("requester_contact")
        return Contact.objects.filter(pk__in=ids)
    contact = contact_of(user)
    return Contact.objects.filter(pk=contact.pk) if contact else Contact.objects.none()

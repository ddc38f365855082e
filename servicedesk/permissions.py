"""Who may see and change what. Every view and query goes through these functions.

Rules (seed 004, step 3; README "Rights" states them for people): administrators and specialists
work with every ticket; auditors and technologists see everything and change nothing; second-line
specialists (and change / problem specialists, who are always combined with them) work only with
the tickets they or their teams are responsible for, plus the ones they requested; contact persons
(and employees without an operator role) see in their personal cabinet the tickets they requested
or watch, and a contact with the company-wide flag those of the whole company.

Watching grants reading: an employee or contact added as a watcher of a ticket may open it (read
only), so everybody who is sent a ticket's mail or push may also see it on screen.

People: whoever sees every ticket sees every card; anybody else sees their own card and the people
named on the tickets they may see (requesters and responsible employees). The people directory
and the requester lookup of the registration form both use `visible_employees`/`visible_contacts`.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from . import roles
from .models import ApprovalVote, Contact, Employee, Ticket, TicketTask, TicketWatcher, User

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


def can_register_tickets(user: UserLike) -> bool:
    """Registering a ticket is working with tickets: not for read-only roles (auditor, technologist)."""
    return edits_all_tickets(user) or is_limited_operator(user)


def is_technologist(user: UserLike) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or roles.TECHNOLOGIST in _roles(user)))


def _limited_filter(employee: Employee) -> Q:
    team_ids = list(employee.teams.values_list("pk", flat=True))
    # A task or an approval on someone else's ticket lets its assignee see (and work) that ticket.
    tasks = TicketTask.objects.filter(ticket=OuterRef("pk")).filter(
        Q(responsible_employee=employee) | Q(responsible_team__in=team_ids)
    )
    votes = ApprovalVote.objects.filter(approval__ticket=OuterRef("pk"), approver=employee)
    return (
        Q(responsible_employee=employee)
        | Q(responsible_team__in=team_ids)
        | Q(requester_employee=employee)
        | Q(Exists(tasks))
        | Q(Exists(votes))
    )


def _watched(**person: Employee | Contact) -> Q:
    return Q(pk__in=TicketWatcher.objects.filter(**person).values("ticket_id"))


def visible_tickets(user: UserLike) -> QuerySet[Ticket]:
    qs = Ticket.objects.all()
    if sees_all_tickets(user):
        return qs
    employee = employee_of(user)
    if employee is not None and is_limited_operator(user):
        return qs.filter(_limited_filter(employee) | _watched(employee=employee))
    if contact_of(user) is not None or employee is not None:
        return cabinet_tickets(user)
    return qs.none()


def can_edit_ticket(user: UserLike, ticket: Ticket) -> bool:
    if edits_all_tickets(user):
        return True
    employee = employee_of(user)
    if employee is None or not is_limited_operator(user):
        return False
    return Ticket.objects.filter(_limited_filter(employee), pk=ticket.pk).exists()


def visible_employees(user: UserLike) -> QuerySet[Employee]:
    """Cards this user may see, and choose as a requester: see the module docstring."""
    if sees_all_tickets(user):
        return Employee.objects.all()
    employee = employee_of(user)
    if employee is None:
        return Employee.objects.none()
    if not is_limited_operator(user):
        return Employee.objects.filter(pk=employee.pk)
    tickets = visible_tickets(user)
    return Employee.objects.filter(
        Q(pk=employee.pk)
        | Q(pk__in=tickets.exclude(requester_employee=None).values("requester_employee"))
        | Q(pk__in=tickets.exclude(responsible_employee=None).values("responsible_employee"))
    )


def visible_contacts(user: UserLike) -> QuerySet[Contact]:
    if sees_all_tickets(user):
        return Contact.objects.all()
    if is_limited_operator(user):
        ids = visible_tickets(user).exclude(requester_contact=None).values("requester_contact")
        return Contact.objects.filter(pk__in=ids)
    contact = contact_of(user)
    return Contact.objects.filter(pk=contact.pk) if contact else Contact.objects.none()


# --- Maintaining the org structure and the client's personal cabinet (issue 14) ---------------


def maintains_org(user: UserLike) -> bool:
    """Administrators and technologists keep departments, employees, teams, clients, services and
    agreements in the operator interface (seed 004, steps 1-4); access is `manages_access`."""
    return bool(
        user.is_authenticated and (user.is_superuser or _roles(user) & {roles.ADMINISTRATOR, roles.TECHNOLOGIST})
    )


def manages_access(user: UserLike) -> bool:
    """Logins, rights and access links (which set passwords) are an administrator's business, not a
    technologist's: whoever sets a password or grants a role can become anybody (README "Rights")."""
    return bool(user.is_authenticated and (user.is_superuser or roles.ADMINISTRATOR in _roles(user)))


def may_change_email(actor: UserLike, login: User | None) -> bool:
    """A card's e-mail is where its login's access links go, so changing it is taking the account
    over: a superuser's only by a superuser, an administrator's only by whoever manages access."""
    if login is None:
        return True
    if login.is_superuser:
        return bool(actor.is_authenticated and actor.is_superuser)
    if roles.ADMINISTRATOR in login.role_codes():
        return manages_access(actor)
    return True


def is_requester(user: UserLike) -> bool:
    """Has an active contact or employee card, so the personal cabinet has something to show."""
    contact = contact_of(user)
    if contact is not None and contact.is_active:
        return True
    employee = employee_of(user)
    return employee is not None and employee.is_active


def company_ids_of(contact: Contact) -> list[int]:
    """The contact's company and all its branches, for a contact who sees the company's tickets."""
    from .models import Company

    ids = [contact.company_id]
    frontier = ids
    while frontier:
        frontier = list(Company.objects.filter(parent_id__in=frontier).exclude(pk__in=ids).values_list("pk", flat=True))
        ids = ids + frontier
    return ids


def cabinet_tickets(user: UserLike) -> QuerySet[Ticket]:
    """What the personal cabinet shows: tickets the person requested or watches; with the
    company-wide flag, every ticket requested by a contact of the company or its branches."""
    cond = Q(pk__in=[])
    contact = contact_of(user)
    if contact is not None and contact.is_active:
        cond |= Q(requester_contact=contact) | Q(watchers__contact=contact)
        if contact.sees_company_tickets:
            cond |= Q(requester_contact__company_id__in=company_ids_of(contact))
    employee = employee_of(user)
    if employee is not None and employee.is_active:
        cond |= Q(requester_employee=employee) | Q(watchers__employee=employee)
    return Ticket.objects.filter(pk__in=Ticket.objects.filter(cond).values("pk"))

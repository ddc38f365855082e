"""People directory (employees by department, contacts by company) and the person cards."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .. import permissions
from ..models import Company, Department, Ticket
from .access import _get_contact_for_user, _get_employee_for_user, operator_required
from .listing import LIST_RELATED
from .org_admin import person_tools

DIRECTORY_LIMIT = 300
RECENT_TICKETS = 15


@dataclass
class TreeNode:
    """One department or company with the people shown directly in it and its non-empty children."""

    unit: Model
    people: list = field(default_factory=list)
    children: list[TreeNode] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.people) + sum(child.total for child in self.children)


def build_tree(units: list[Model], people: list, unit_attr: str) -> list[TreeNode]:
    """Arrange people into their units' tree, dropping branches where nobody was found."""
    nodes = {unit.pk: TreeNode(unit) for unit in units}
    for person in people:
        nodes[getattr(person, f"{unit_attr}_id")].people.append(person)
    roots: list[TreeNode] = []
    for unit in units:
        parent = nodes.get(unit.parent_id)  # type: ignore[attr-defined]
        (parent.children if parent and parent is not nodes[unit.pk] else roots).append(nodes[unit.pk])
    return _prune(roots)


def _prune(nodes: list[TreeNode]) -> list[TreeNode]:
    kept = []
    for node in nodes:
        node.children = _prune(node.children)
        if node.total:
            kept.append(node)
    return kept


def _search(qs: QuerySet, text: str, extra: tuple[str, ...]) -> QuerySet:
    for word in text.split()[:4]:
        cond = Q(last_name__icontains=word) | Q(first_name__icontains=word) | Q(email__icontains=word)
        for name in extra:
            cond |= Q(**{f"{name}__icontains": word})
        qs = qs.filter(cond)
    return qs


@operator_required
def people(request: HttpRequest) -> HttpResponse:
    # PostgreSQL text cannot hold NUL: a pasted one is dropped instead of failing the query.
    text = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    tab = "contacts" if request.GET.get("tab") == "contacts" else "employees"
    employees = _search(permissions.visible_employees(request.user), text, ("phone_extension", "position"))
    contacts = _search(permissions.visible_contacts(request.user), text, ("phone", "company__name"))
    context: dict[str, object] = {
        "q": text,
        "tab": tab,
        "employee_count": employees.count(),
        "contact_count": contacts.count(),
        "limit": DIRECTORY_LIMIT,
    }
    if tab == "employees":
        found = list(employees.select_related("department").prefetch_related("teams")[:DIRECTORY_LIMIT])
        context["tree"] = build_tree(list(Department.objects.all()), found, "department")
    else:
        found = list(contacts.select_related("company")[:DIRECTORY_LIMIT])
        context["tree"] = build_tree(list(Company.objects.all()), found, "company")
    if request.headers.get("HX-Target") == "people-results":
        return render(request, "servicedesk/people/_results.html", context)
    return render(request, "servicedesk/people/directory.html", context)


def _chain(unit: Department | Company) -> list[Department | Company]:
    """The unit and its parents, outermost first, for a breadcrumb."""
    chain = []
    node: Department | Company | None = unit
    while node is not None and node not in chain:
        chain.append(node)
        node = node.parent
    return list(reversed(chain))


def _recent(request: HttpRequest, cond: Q) -> QuerySet[Ticket]:
    return permissions.visible_tickets(request.user).filter(cond).select_related(*LIST_RELATED)[:RECENT_TICKETS]


@operator_required
def employee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employee = _get_employee_for_user(request, pk)
    context = {
        "person": employee,
        "chain": _chain(employee.department),
        "teams": employee.teams.all(),
        "requested": _recent(request, Q(requester_employee=employee)),
        "responsible": _recent(request, Q(responsible_employee=employee)),
        "now": timezone.now(),
        **person_tools(request, employee, "employee"),
    }
    return render(request, "servicedesk/people/employee.html", context)


@operator_required
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _get_contact_for_user(request, pk)
    context = {
        "person": contact,
        "chain": _chain(contact.company),
        "requested": _recent(request, Q(requester_contact=contact)),
        "now": timezone.now(),
        **person_tools(request, contact, "contact"),
    }
    return render(request, "servicedesk/people/contact.html", context)

"""Which agreements a requester has, and which one a ticket is registered under (seed 004)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from ..models import Agreement, Contact, Employee, Service


def agreements_for(*, employee: Employee | None = None, contact: Contact | None = None) -> QuerySet[Agreement]:
    """Active agreements the requester receives; the base agreement is everybody's."""
    cond = Q(is_base=True)
    if employee is not None:
        dept_ids = employee.department.ancestor_ids()
        cond |= Q(employees=employee) | Q(departments=employee.department_id)
        cond |= Q(spread_over_org=True, departments__in=dept_ids)
    if contact is not None:
        company_ids = contact.company.ancestor_ids()
        cond |= Q(contacts=contact) | Q(companies=contact.company_id)
        cond |= Q(spread_over_org=True, companies__in=company_ids)
    return Agreement.objects.filter(cond, is_active=True).distinct()


def resolve_agreement(
    *,
    service: Service | None,
    employee: Employee | None = None,
    contact: Contact | None = None,
    agreement: Agreement | None = None,
) -> Agreement:
    """The agreement a new ticket is registered under, or ValidationError saying why there is none.

    With several candidates the requester's own agreement wins over the base one: one naming the
    person, then one naming their department or company, then one spread over the org structure
    from a unit above (a company's own 24×7 agreement applies to its contact's mail-born ticket).
    The operator can name another of the requester's agreements; it is checked to cover them.
    """
    candidates = agreements_for(employee=employee, contact=contact)
    if service is not None:
        candidates = candidates.filter(services=service)
    if agreement is not None:
        if not candidates.filter(pk=agreement.pk).exists():
            raise ValidationError(
                {
                    "agreement": _("The agreement “%(agreement)s” does not cover this requester and service.")
                    % {"agreement": agreement}
                }
            )
        return agreement
    found = list(ranked(candidates, employee=employee, contact=contact)[:1])
    if found:
        return found[0]
    if service is None:
        return Agreement.base()
    raise ValidationError(
        {
            "service": _(
                "No agreement provides the service “%(service)s” to this requester, so a ticket cannot be registered for it."
            )
            % {"service": service}
        }
    )


def ranked(
    candidates: QuerySet[Agreement], *, employee: Employee | None = None, contact: Contact | None = None
) -> QuerySet[Agreement]:
    """Candidates, the requester's most specific own agreement first and the base one last."""
    personal = Q(pk__in=[])
    direct = Q(pk__in=[])
    if employee is not None:
        people = Agreement.employees.through
        personal |= Q(Exists(people.objects.filter(agreement_id=OuterRef("pk"), employee_id=employee.pk)))
        dept = Agreement.departments.through
        direct |= Q(Exists(dept.objects.filter(agreement_id=OuterRef("pk"), department_id=employee.department_id)))
    if contact is not None:
        contacts = Agreement.contacts.through
        personal |= Q(Exists(contacts.objects.filter(agreement_id=OuterRef("pk"), contact_id=contact.pk)))
        comp = Agreement.companies.through
        direct |= Q(Exists(comp.objects.filter(agreement_id=OuterRef("pk"), company_id=contact.company_id)))
    rank = Case(
        When(is_base=True, then=Value(3)),
        When(personal, then=Value(0)),
        When(direct, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return candidates.annotate(rank=rank).order_by("rank", "pk")


def agreement_choices(
    *, employee: Employee | None = None, contact: Contact | None = None, service: Service | None = None
) -> list[Agreement]:
    """The requester's agreements that cover `service`, in the order registration would pick them."""
    candidates = agreements_for(employee=employee, contact=contact)
    if service is not None:
        candidates = candidates.filter(services=service)
    return list(ranked(candidates, employee=employee, contact=contact).select_related("schedule"))

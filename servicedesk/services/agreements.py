"""Which agreements a requester has, and which one a ticket is registered under (seed 004)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
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

    With several candidates the base agreement wins (seed 004: "if a user has more than one
    agreement, tickets are created under the base agreement").
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
    found = list(candidates.order_by("-is_base", "pk")[:1])
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

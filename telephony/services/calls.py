"""Calls as employees see them: who may see which, and marking them handled."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from servicedesk import permissions, roles
from servicedesk.models import User

from ..models import PbxCall


def sees_all_calls(user: permissions.UserLike) -> bool:
    """Technologists and administrators see every call; everybody else only their own."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or bool(user.role_codes() & {roles.TECHNOLOGIST, roles.ADMINISTRATOR})


def may_use_calls(user: permissions.UserLike) -> bool:
    """Whether the calls page (and its menu item) is for this user: technologists and
    administrators, and employees a call can reach (an extension or a mobile number on their card)
    or has reached (their history stays theirs after a number is removed)."""
    if sees_all_calls(user):
        return True
    employee = permissions.employee_of(user)
    if employee is None:
        return False
    if employee.phone_extension or employee.mobile_phone:
        return True
    return PbxCall.objects.filter(employees=employee).exists()


def visible_calls(user: permissions.UserLike) -> QuerySet[PbxCall]:
    calls = PbxCall.objects.all()
    if sees_all_calls(user):
        return calls
    employee = permissions.employee_of(user)
    if employee is None:
        return calls.none()
    return calls.filter(employees=employee)


def set_handled(*, call: PbxCall, user: User, handled: bool) -> PbxCall:
    """Mark the call handled by `user` (or not handled again)."""
    call.handled_at = timezone.now() if handled else None
    call.handled_by = user if handled else None
    call.save(update_fields=["handled_at", "handled_by"])
    return call

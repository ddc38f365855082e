"""Calls as employees see them: who may see which, the after-intake step, marking as handled."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from servicedesk import permissions, roles
from servicedesk.models import User

from ..models import PbxCall
from .callback import apply_callback_rules, match_contact

log = logging.getLogger(__name__)

RETRY_AFTER = timedelta(minutes=2)


def sees_all_calls(user: permissions.UserLike) -> bool:
    """Technologists and administrators see every call; everybody else only their own."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or bool(user.role_codes() & {roles.TECHNOLOGIST, roles.ADMINISTRATOR})


def may_use_calls(user: permissions.UserLike) -> bool:
    return sees_all_calls(user) or permissions.employee_of(user) is not None


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


def process_call(call_id: int) -> bool:
    """The step after intake, once: match the caller to a client contact and run the call-back
    rules. Claimed with SKIP LOCKED so a kick and the sweeper never both run it."""
    with transaction.atomic():
        call = (
            PbxCall.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=call_id, processed_at__isnull=True)
            .first()
        )
        if call is None:
            return False
        call.contact = match_contact(call)
        apply_callback_rules(call)
        call.processed_at = timezone.now()
        call.save(update_fields=["contact", "callback_ticket", "callback_error", "processed_at"])
    return True


def due_call_ids(limit: int = 200) -> list[int]:
    """Calls whose processing kick was lost or failed, each claimed by pushing its due time on."""
    now = timezone.now()
    claimed = []
    due = PbxCall.objects.filter(processed_at__isnull=True, process_due_at__lte=now).order_by("process_due_at")
    for pk, due_at in due.values_list("pk", "process_due_at")[:limit]:
        if PbxCall.objects.filter(pk=pk, process_due_at=due_at).update(process_due_at=now + RETRY_AFTER):
            claimed.append(pk)
    return claimed

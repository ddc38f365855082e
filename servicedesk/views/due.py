"""The list's deadline filter: "overdue" and "due within N hours" (wall-clock hours from now)."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from ..models import OPEN_STATUSES, Ticket

DEFAULT_WITHIN_HOURS = 4


def apply_due(qs: QuerySet[Ticket], due: str, within: object) -> QuerySet[Ticket]:
    now = timezone.now()
    if due == "overdue":
        # Running past the deadline, or stopped (Waiting) after the time was used up.
        return qs.filter(status__in=OPEN_STATUSES).filter(
            Q(resolution_deadline__lt=now)
            | Q(sla_running_since__isnull=True, resolution_spent__gt=F("resolution_target"))
        )
    if due == "within":
        hours = int(within) if isinstance(within, int) and within > 0 else DEFAULT_WITHIN_HOURS
        return qs.filter(
            status__in=OPEN_STATUSES,
            resolution_deadline__gte=now,
            resolution_deadline__lt=now + dt.timedelta(hours=hours),
        )
    return qs

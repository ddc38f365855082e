"""Escalation schemes compiled into plain data, cached per process.

Every use checks the schemes' version (their count and latest `updated_at`; a level's change moves
its scheme's `updated_at`) at most once a second, so an edit reaches every worker within about a
second and a burst of ticket changes costs no query for the schemes.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max

from servicedesk.models import Ticket

from .models import EscalationScheme, Target, Trigger

CHECK_EVERY = 1.0


@dataclass(frozen=True)
class LevelSpec:
    pk: int
    position: int
    name: str
    trigger: str
    percent: int
    offset_minutes: int
    hold: bool
    urgent: bool
    notify_ids: tuple[int, ...]
    reassign_employee_id: int | None
    reassign_team_id: int | None
    raise_priority: bool

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        if self.trigger == Trigger.SHARE:
            return f"{self.percent} %"
        sign = "+" if self.offset_minutes >= 0 else "−"
        hours, minutes = divmod(abs(self.offset_minutes), 60)
        return f"{sign}{hours}:{minutes:02d}"


@dataclass(frozen=True)
class SchemeSpec:
    pk: int
    target: str
    event: str
    type_ids: frozenset[int]
    service_ids: frozenset[int]
    agreement_ids: frozenset[int]
    priorities: frozenset[int]
    levels: tuple[LevelSpec, ...]  # enabled levels only, in order

    def matches(self, ticket: Ticket) -> bool:
        return (
            (not self.type_ids or ticket.type_id in self.type_ids)
            and (not self.service_ids or ticket.service_id in self.service_ids)
            and (not self.agreement_ids or ticket.agreement_id in self.agreement_ids)
            and (not self.priorities or int(ticket.priority) in self.priorities)
        )

    def level(self, pk: int) -> LevelSpec | None:
        return next((level for level in self.levels if level.pk == pk), None)


@dataclass
class _Cache:
    version: Any = None
    checked: float = 0.0
    by_target: dict[str, list[SchemeSpec]] | None = None
    by_pk: dict[int, SchemeSpec] | None = None


_cache = _Cache()
_lock = threading.Lock()


def _compile() -> tuple[dict[str, list[SchemeSpec]], dict[int, SchemeSpec]]:
    rows = EscalationScheme.objects.filter(enabled=True).prefetch_related(
        "ticket_types", "services", "agreements", "levels__notify"
    )
    by_target: dict[str, list[SchemeSpec]] = {target: [] for target in Target.values}
    by_pk: dict[int, SchemeSpec] = {}
    for scheme in rows.order_by("target", "position", "pk"):
        levels = tuple(
            LevelSpec(
                pk=level.pk,
                position=level.position,
                name=level.name,
                trigger=level.trigger,
                percent=level.percent or 0,
                offset_minutes=level.offset_minutes or 0,
                hold=level.hold_to_working_hours,
                urgent=level.is_urgent,
                notify_ids=tuple(action.pk for action in level.notify.all()),
                reassign_employee_id=level.reassign_employee_id,
                reassign_team_id=level.reassign_team_id,
                raise_priority=level.raise_priority,
            )
            for level in sorted(scheme.levels.all(), key=lambda lv: (lv.position, lv.pk))
            if level.enabled
        )
        spec = SchemeSpec(
            pk=scheme.pk,
            target=scheme.target,
            event=scheme.event,
            type_ids=frozenset(t.pk for t in scheme.ticket_types.all()),
            service_ids=frozenset(s.pk for s in scheme.services.all()),
            agreement_ids=frozenset(a.pk for a in scheme.agreements.all()),
            priorities=frozenset(int(p) for p in scheme.priorities or ()),
            levels=levels,
        )
        by_target[scheme.target].append(spec)
        by_pk[scheme.pk] = spec
    return by_target, by_pk


def _current() -> _Cache:
    now = time.monotonic()
    if _cache.by_target is not None and now - _cache.checked < CHECK_EVERY:
        return _cache
    version = tuple(EscalationScheme.objects.aggregate(n=Count("id"), at=Max("updated_at")).values())
    with _lock:
        if version != _cache.version or _cache.by_target is None:
            _cache.by_target, _cache.by_pk = _compile()
            _cache.version = version
        _cache.checked = now
    return _cache


def for_target(target: str) -> list[SchemeSpec]:
    return (_current().by_target or {}).get(target, [])


def by_pk(pk: int) -> SchemeSpec | None:
    return (_current().by_pk or {}).get(pk)


def match(target: str, ticket: Ticket) -> SchemeSpec | None:
    """The first enabled scheme of `target` whose conditions hold for `ticket`."""
    return next((spec for spec in for_target(target) if spec.matches(ticket)), None)


def forget() -> None:
    """Drop the cache (tests, and right after an edit in this process)."""
    with _lock:
        _cache.by_target = _cache.by_pk = None
        _cache.version = None

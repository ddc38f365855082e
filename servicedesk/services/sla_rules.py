"""Which SLA rule gives a ticket its reaction and resolution times (seed 004, step 5).

An agreement's rules are tried in order; the first whose conditions all hold wins (an empty
condition holds for anything); with none, the agreement's default applies (8 hours unless set).
Rules are compiled once per agreement version (`Agreement.updated_at`, which every rule change
moves) and cached per process, so registering tickets in bulk costs no query for them.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from typing import Any

from ..models import Agreement, ClockKind, Contact, SlaRule


@dataclass(frozen=True)
class CompiledRule:
    pk: int
    kind: str
    position: int
    type_ids: frozenset[int]
    service_ids: frozenset[int]
    company_ids: frozenset[int]
    priorities: frozenset[int]
    duration: dt.timedelta

    def matches(
        self, *, type_id: int | None, service_id: int | None, priority: int, company_ids: frozenset[int]
    ) -> bool:
        return (
            (not self.type_ids or type_id in self.type_ids)
            and (not self.service_ids or service_id in self.service_ids)
            and (not self.priorities or priority in self.priorities)
            and (not self.company_ids or bool(self.company_ids & company_ids))
        )


@dataclass(frozen=True)
class AgreementRules:
    reaction: tuple[CompiledRule, ...]
    resolution: tuple[CompiledRule, ...]
    default_reaction: dt.timedelta
    default_resolution: dt.timedelta


@dataclass(frozen=True)
class Targets:
    """The times a ticket gets and the rules they came from (None: the agreement's default)."""

    reaction: dt.timedelta
    resolution: dt.timedelta
    reaction_rule_id: int | None
    resolution_rule_id: int | None


_cache: dict[int, tuple[Any, AgreementRules]] = {}
_lock = threading.Lock()


def compile_rules(agreement: Agreement) -> AgreementRules:
    rules = SlaRule.objects.filter(agreement=agreement).prefetch_related("ticket_types", "services", "companies")
    compiled = [
        CompiledRule(
            pk=rule.pk,
            kind=rule.kind,
            position=rule.position,
            type_ids=frozenset(t.pk for t in rule.ticket_types.all()),
            service_ids=frozenset(s.pk for s in rule.services.all()),
            company_ids=frozenset(c.pk for c in rule.companies.all()),
            priorities=frozenset(int(p) for p in rule.priorities or ()),
            duration=rule.duration,
        )
        for rule in rules.order_by("position", "pk")
    ]
    return AgreementRules(
        reaction=tuple(r for r in compiled if r.kind == ClockKind.REACTION),
        resolution=tuple(r for r in compiled if r.kind == ClockKind.RESOLUTION),
        default_reaction=agreement.reaction_time,
        default_resolution=agreement.resolution_time,
    )


def rules_of(agreement: Agreement) -> AgreementRules:
    cached = _cache.get(agreement.pk)
    if cached is not None and cached[0] == agreement.updated_at:
        return cached[1]
    compiled = compile_rules(agreement)
    with _lock:
        _cache[agreement.pk] = (agreement.updated_at, compiled)
    return compiled


def company_ids_of(contact: Contact | None) -> frozenset[int]:
    """The requester's company and every company above it (a branch matches its head office's rules)."""
    if contact is None:
        return frozenset()
    return frozenset(contact.company.ancestor_ids())


def targets_for(
    *,
    agreement: Agreement,
    type_id: int | None,
    service_id: int | None,
    priority: int,
    contact: Contact | None,
    company_ids: frozenset[int] | None = None,
) -> Targets:
    rules = rules_of(agreement)
    companies = company_ids if company_ids is not None else company_ids_of(contact)

    def fits(rule: CompiledRule) -> bool:
        return rule.matches(type_id=type_id, service_id=service_id, priority=int(priority), company_ids=companies)

    reaction = next((r for r in rules.reaction if fits(r)), None)
    resolution = next((r for r in rules.resolution if fits(r)), None)
    return Targets(
        reaction=reaction.duration if reaction else rules.default_reaction,
        resolution=resolution.duration if resolution else rules.default_resolution,
        reaction_rule_id=reaction.pk if reaction else None,
        resolution_rule_id=resolution.pk if resolution else None,
    )


def clear_cache() -> None:
    with _lock:
        _cache.clear()

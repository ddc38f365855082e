"""One occurrence → the matching event actions → recipients → filters → rendered deliveries.

Everything for one occurrence happens in one transaction: Notification rows, outbox rows, channel
messages, held notifications and the Delivery journal commit together, and the browsers are woken
after that commit. Each channel comes from the registry (`channels`), the webhooks app's too.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from servicedesk.dbutil import insert_many
from servicedesk.models import Ticket, User

from . import catalogue, channels, hold, mail, quiet
from .channels import Outgoing
from .compose import render_template
from .context import build_values
from .models import Channel, Delivery, EventAction, HeldNotification, Occurrence, Preference
from .recipients import Recipient, resolve


@dataclass
class Planned:
    action: EventAction
    recipient: Recipient
    key: str
    status: str = Delivery.Status.QUEUED
    # Set when held (quiet hours, digest, burst; see quiet.py).
    release_at: datetime | None = None
    hold_reason: str = ""


def rate_limits() -> tuple[tuple[int, int], tuple[int, int]]:
    """((count, seconds) per recipient, (count, seconds) per recipient and ticket)."""
    (recipient_count, recipient_seconds), (ticket_count, ticket_seconds) = (
        settings.NOTIFY_RATE_PER_RECIPIENT,
        settings.NOTIFY_RATE_PER_TICKET,
    )
    return (recipient_count, recipient_seconds), (ticket_count, ticket_seconds)


def matches(action: EventAction, ticket: Ticket | None, data: dict) -> bool:
    """Whether the action's conditions hold; an empty condition means "any"."""
    if action.statuses and data.get("new") not in action.statuses:
        return False
    conditions = (
        (action.ticket_types.all(), "type_id"),
        (action.services.all(), "service_id"),
        (action.teams.all(), "responsible_team_id"),
        (action.agreements.all(), "agreement_id"),
    )
    for chosen, attribute in conditions:
        ids = {obj.pk for obj in chosen}
        if ids and (ticket is None or getattr(ticket, attribute) not in ids):
            return False
    if action.priorities and (ticket is None or ticket.priority not in {int(p) for p in action.priorities}):
        return False
    return True


def _load_ticket(ticket_id: int | None) -> Ticket | None:
    if ticket_id is None:
        return None
    related = (
        "type",
        "service",
        "agreement__schedule",
        "responsible_employee",
        "responsible_team",
        "requester_employee",
        "requester_contact",
    )
    return Ticket.objects.select_related(*related).filter(pk=ticket_id).first()


def _enabled_actions(event: str) -> list[EventAction]:
    return list(
        EventAction.objects.filter(event=event, enabled=True)
        .prefetch_related("ticket_types", "services", "teams", "agreements", "groups")
        .order_by("pk")
    )


def plan(occurrence: Occurrence, ticket: Ticket | None, actions: list[EventAction]) -> list[Planned]:
    """Every (action, recipient) once per channel, without the author of the change. Each channel
    says whom it can reach and under which key (`channels.base.DeliveryChannel`)."""
    actor: User | None = occurrence.actor
    actor_email = (actor.email or "").lower() if actor is not None else ""
    seen: set[tuple[str, str]] = set()
    planned: list[Planned] = []
    resolved: dict[tuple[object, ...], list[Recipient]] = {}  # one event, one action per channel: same people
    for action in actions:
        try:
            channel = channels.get(action.channel)
        except KeyError:  # a channel whose module is gone: the action cannot be served
            continue
        audience = _audience(action)
        if channel.personal and audience not in resolved:
            resolved[audience] = resolve(action, ticket, occurrence.data)
        # A channel reaching a system (a webhook) addresses its own endpoints, not the action's people.
        for recipient in channel.expand(action, resolved[audience] if channel.personal else []):
            key = channel.key(recipient)
            is_actor = actor is not None and (
                recipient.user_id == actor.pk or (action.channel == Channel.EMAIL and key == actor_email)
            )
            if (is_actor and not action.notify_actor) or (action.channel, key) in seen:
                continue
            seen.add((action.channel, key))
            planned.append(Planned(action, recipient, key))
    return planned


def _audience(action: EventAction) -> tuple[object, ...]:
    """What `resolve` reads of an action: two actions alike in this address the same people."""
    flags = tuple(getattr(action, name) for name in AUDIENCE_FLAGS)
    return (*flags, tuple(sorted(group.pk for group in action.groups.all())), action.addresses)


AUDIENCE_FLAGS = (
    "to_requester",
    "to_responsible",
    "to_team",
    "to_watchers",
    "to_agreement_recipients",
    "to_team_leader",
    "to_assignees",
)


def _apply_mutes(planned: list[Planned], group: str) -> None:
    user_ids = {p.recipient.user_id for p in planned if p.recipient.user_id and not p.action.is_mandatory}
    if not user_ids:
        return
    muted = set(Preference.objects.filter(user_id__in=user_ids, group=group).values_list("user_id", "channel"))
    for item in planned:
        if not item.action.is_mandatory and (item.recipient.user_id, item.action.channel) in muted:
            item.status = Delivery.Status.MUTED


def _apply_own_addresses(planned: list[Planned]) -> None:
    emails = [item for item in planned if item.action.channel == Channel.EMAIL]
    own = mail.own_addresses() if emails else frozenset()
    for item in emails:
        if item.key in own:
            item.status = Delivery.Status.OWN_ADDRESS


def _recent_counts(channel: str, keys: list[str], seconds: int, ticket_id: int | None = None) -> Counter[str]:
    since = timezone.now() - timedelta(seconds=seconds)
    rows = Delivery.objects.filter(
        channel=channel, recipient__in=keys, status=Delivery.Status.QUEUED, created_at__gte=since
    )
    if ticket_id is not None:
        rows = rows.filter(ticket_id=ticket_id)
    return Counter(dict(rows.values_list("recipient").annotate(n=Count("id")).values_list("recipient", "n")))


def _apply_rate_limits(planned: list[Planned], ticket_id: int | None) -> None:
    (per_recipient, recipient_window), (per_ticket, ticket_window) = rate_limits()
    # Storm limits protect people; a system (a webhook) gets every event it subscribed to.
    for channel in {item.action.channel for item in planned if channels.get(item.action.channel).personal}:
        items = [p for p in planned if p.action.channel == channel and p.status == Delivery.Status.QUEUED]
        keys = [p.key for p in items]
        if not keys:
            continue
        overall = _recent_counts(channel, keys, recipient_window)
        on_ticket = _recent_counts(channel, keys, ticket_window, ticket_id) if ticket_id else Counter()
        for item in items:
            if overall[item.key] >= per_recipient or (ticket_id and on_ticket[item.key] >= per_ticket):
                item.status = Delivery.Status.RATE_LIMITED


def _object_path(ticket: Ticket | None) -> str:
    if ticket is None:
        return ""
    try:
        return reverse("ticket_detail", args=[ticket.pk])
    except NoReverseMatch:
        return f"/tickets/{ticket.pk}/"


class _Values:
    """Placeholder values per language and time zone, computed at most once for each pair."""

    def __init__(self, occurrence: Occurrence, ticket: Ticket | None) -> None:
        self.occurrence, self.ticket = occurrence, ticket
        self._cache: dict[tuple[str, str], dict[str, str]] = {}

    def get(self, language: str, time_zone: str = "") -> dict[str, str]:
        language = "en" if language.startswith("en") else "ru"
        key = (language, time_zone)
        if key not in self._cache:
            self._cache[key] = build_values(
                ticket=self.ticket,
                data=self.occurrence.data,
                actor=self.occurrence.actor,
                language=language,
                time_zone=time_zone,
            )
        return self._cache[key]


def deliver(occurrence: Occurrence, ticket: Ticket | None, planned: list[Planned]) -> list[Delivery]:
    """Render each queued item and hand it to its channel; the journal records every item."""
    values = _Values(occurrence, ticket)
    path = _object_path(ticket) or str(occurrence.data.get("url") or "")
    journal: list[Delivery] = []
    by_channel: dict[str, list[Outgoing]] = defaultdict(list)
    held: dict[str, list[tuple[Planned, Outgoing]]] = defaultdict(list)
    now = timezone.now()
    for item in planned:
        entry = Delivery(
            occurrence=occurrence,
            action=item.action,
            channel=item.action.channel,
            recipient=item.key,
            ticket_id=ticket.pk if ticket else None,
            status=item.status,
            created_at=now,
        )
        journal.append(entry)
        if item.status not in (Delivery.Status.QUEUED, Delivery.Status.HELD):
            continue
        language = item.recipient.language
        placeholders = {**values.get(language, item.recipient.time_zone), "RECIPIENT_NAME": item.recipient.name}
        rendered = render_template(item.action, placeholders, language)
        outgoing = Outgoing(
            occurrence,
            item.action,
            item.recipient,
            entry,
            rendered,
            ticket.pk if ticket else None,
            path,
            values=placeholders,
        )
        if item.status == Delivery.Status.HELD:  # rendered now, sent by `quiet.release_due`
            held[item.action.channel].append((item, outgoing))
        else:
            by_channel[item.action.channel].append(outgoing)
    for code, items in by_channel.items():
        channels.get(code).prepare(items)
    insert_many(Delivery, journal)
    waiting = [
        (item, subject, text, path)
        for code, pairs in held.items()
        for (item, _outgoing), (subject, text) in zip(
            pairs, channels.get(code).held_texts([outgoing for _item, outgoing in pairs]), strict=True
        )
    ]
    insert_many(HeldNotification, quiet.held_rows(waiting, occurrence, ticket.pk if ticket else None, now))
    for code, items in by_channel.items():
        channels.get(code).queue(items)
    return journal


def fan_out(occurrence_id: int) -> list[Delivery]:
    """Process one occurrence exactly once (a second call, or a second worker, does nothing)."""
    with transaction.atomic():
        occurrence = (
            Occurrence.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("actor")
            .filter(pk=occurrence_id, processed_at__isnull=True)
            .first()
        )
        if occurrence is None:
            return []
        spec = catalogue.get_event(occurrence.event)
        ticket = _load_ticket(occurrence.ticket_id)
        actions = [a for a in _enabled_actions(occurrence.event) if matches(a, ticket, occurrence.data)]
        actions = hold.chosen(actions, occurrence.data)  # an escalation level raises its own actions only
        planned = hold.restrict(plan(occurrence, ticket, actions), occurrence.data)
        planned = hold.split_held(occurrence, ticket, planned)
        _apply_mutes(planned, spec.group if spec else "")
        _apply_own_addresses(planned)
        _apply_rate_limits(planned, ticket.pk if ticket else None)
        quiet.hold(planned, occurrence, timezone.now())
        journal = deliver(occurrence, ticket, planned)
        occurrence.processed_at = timezone.now()
        occurrence.save(update_fields=["processed_at"])
    return journal


MAX_ATTEMPTS = 5


def sweep_grace() -> timedelta:
    """How long a fresh journal row waits for its kick before the sweeper takes it up. Short: a
    second fan-out of the same row does nothing (`fan_out` claims it with SKIP LOCKED)."""
    return timedelta(seconds=settings.NOTIFY_SWEEP_GRACE_SECONDS)


def postpone(occurrence_id: int) -> None:
    """After a failure: try again later, backing off (2, 4, 8, 16 minutes), then give up."""
    occurrence = Occurrence.objects.filter(pk=occurrence_id, processed_at__isnull=True).first()
    if occurrence is None:
        return
    attempts = occurrence.attempts + 1
    Occurrence.objects.filter(pk=occurrence_id).update(
        attempts=attempts, next_attempt_at=timezone.now() + timedelta(minutes=2**attempts)
    )


def due_occurrence_ids(limit: int = 100) -> list[int]:
    """Occurrences whose kick never arrived (broker down) or whose fan-out failed and is due again.

    Claimed in one short transaction: rows another sweeper holds are skipped (SKIP LOCKED), and
    each claimed row's next try is pushed forward first, so a second sweeper, or a crash in the
    fan-out, cannot make it run in a tight loop. Without SKIP LOCKED (SQLite) writers are
    serialised anyway.
    """
    now = timezone.now()
    candidates = Occurrence.objects.filter(
        processed_at__isnull=True, next_attempt_at__lte=now, attempts__lt=MAX_ATTEMPTS
    ).order_by("next_attempt_at", "pk")
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        claimed = list(candidates.values_list("pk", flat=True)[:limit])
        if claimed:
            Occurrence.objects.filter(pk__in=claimed).update(next_attempt_at=now + sweep_grace())
    return claimed

"""Keeping `next_at` right, and firing what is due (the scheduler).

`sync` runs inside the transaction that moved a deadline (servicedesk.services.sla calls it): it
finds the scheme of each watched deadline and upserts the object's track with the moment of its
next pending level; levels already fired stay fired, so a moved deadline moves only the pending
ones.

`fire_due_escalations` is one scheduler tick: it claims up to `limit` due tracks with
SELECT ... FOR UPDATE SKIP LOCKED (another worker takes the next ones), records each due level in
`EscalationFiring` with INSERT ... ON CONFLICT DO NOTHING RETURNING (only what this insert really
added goes on to its actions, so nothing fires twice even across restarts), raises the
notifications as occurrences in the same transaction, runs reassignments and priority raises,
and sets each track's next due moment. A batch that fails is retried one track at a time; a track
that fails on its own is pushed forward with a growing delay and logged, never retried in a loop.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from servicedesk.dbutil import server_bound
from servicedesk.models import OPEN_STATUSES, Approval, ApprovalStatus, TaskStatus, Ticket, TicketTask

from . import actions, schemes
from .clocks import Clock, clock_for, ticket_of
from .models import TARGETS_OF_KIND, EscalationTrack, Target
from .schemes import SchemeSpec

log = logging.getLogger(__name__)
BATCH = 50
MAX_BACKOFF = dt.timedelta(hours=1)


def next_due(spec: SchemeSpec, clock: Clock, fired: Sequence[int]) -> dt.datetime | None:
    moments = [clock.due_at(level) for level in spec.levels if level.pk not in fired]
    pending = [moment for moment in moments if moment is not None]
    return min(pending) if pending else None


# --- keeping tracks in step with deadlines ---------------------------------------------------------------------
def sync(kind: str, objects: Sequence[Any], *, created: bool = False) -> None:
    """Upsert the tracks of `objects` (tickets, tasks or approvals) for every deadline they have."""
    targets = TARGETS_OF_KIND.get(kind, ())
    if not targets or not objects:
        return
    existing: dict[tuple[int, int], EscalationTrack] = {}
    if not created:
        rows = EscalationTrack.objects.filter(object_id__in=[obj.pk for obj in objects], scheme__target__in=targets)
        existing = {(t.scheme_id, t.object_id): t for t in rows.only("pk", "scheme_id", "object_id", "fired")}
    upserts: list[EscalationTrack] = []
    for obj in objects:
        ticket = ticket_of(obj)
        for target in targets:
            spec = schemes.match(target, ticket)
            if spec is None:
                continue
            current = existing.pop((spec.pk, obj.pk), None)
            fired = list(current.fired) if current is not None else []
            next_at = next_due(spec, clock_for(target, obj), fired)
            upserts.append(EscalationTrack(scheme_id=spec.pk, object_id=obj.pk, next_at=next_at, fired=fired))
    if upserts:
        _upsert(upserts)
    if existing:  # tracks of schemes that no longer apply (the ticket was reclassified)
        EscalationTrack.objects.filter(pk__in=[t.pk for t in existing.values()]).delete()


def _upsert(tracks: list[EscalationTrack]) -> None:
    """Insert or move the tracks (their fired levels stay as they are).

    Joined with the scheme table, so a track of a scheme deleted a moment ago by someone else (this
    process may hold compiled schemes up to a second old) is skipped, rather than failing the
    transaction at commit, when the deferred foreign key is checked."""
    adapt = connection.ops.adapt_datetimefield_value
    values = ", ".join(["(%s, %s, %s)"] * len(tracks))
    params = [value for t in tracks for value in (t.scheme_id, t.object_id, adapt(t.next_at))]
    postgres = connection.vendor == "postgresql"
    fired, moment = ("'[]'::jsonb", "::timestamptz") if postgres else ("'[]'", "")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO escalation_escalationtrack (scheme_id, object_id, next_at, fired, attempts, last_error, "
            f"updated_at) SELECT v.column1, v.column2, v.column3{moment}, {fired}, 0, '', %s{moment} "
            f"FROM (VALUES {values}) AS v JOIN escalation_escalationscheme AS s ON s.id = v.column1 WHERE true "
            "ON CONFLICT (scheme_id, object_id) DO UPDATE SET next_at = excluded.next_at, updated_at = excluded.updated_at",
            [adapt(timezone.now()), *params],
        )


ADOPT_BATCH = 500


def adopt_pending_tickets(limit: int = ADOPT_BATCH) -> int:
    """Tracks for tickets filed in bulk (`deadlines_pending`), claimed with SKIP LOCKED; returns
    how many were taken up. Every scheduler tick runs it first, so they are followed within seconds."""
    with transaction.atomic():
        rows = (
            Ticket.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("agreement__schedule")
            .filter(deadlines_pending=True)
            .order_by("pk")[:limit]
        )
        tickets = list(rows)
        if tickets:
            sync("ticket", tickets)
            Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(deadlines_pending=False)
    return len(tickets)


def open_objects(kind: str) -> Any:
    """The objects whose deadlines escalation watches, for a full resync."""
    if kind == "ticket":
        return Ticket.objects.filter(status__in=OPEN_STATUSES).select_related("agreement__schedule")
    if kind == "task":
        return TicketTask.objects.filter(status=TaskStatus.OPEN).select_related("ticket__agreement__schedule")
    return Approval.objects.filter(status=ApprovalStatus.PENDING).select_related("ticket__agreement__schedule")


def resync(chunk: int = 500) -> int:
    """Recompute every open object's tracks (after a scheme changed); returns how many objects."""
    schemes.forget()
    done = 0
    for kind in TARGETS_OF_KIND:
        batch: list[Any] = []
        for obj in open_objects(kind).order_by("pk").iterator(chunk_size=chunk):
            batch.append(obj)
            if len(batch) >= chunk:
                with transaction.atomic():
                    sync(kind, batch)
                done, batch = done + len(batch), []
        if batch:
            with transaction.atomic():
                sync(kind, batch)
            done += len(batch)
    return done


# --- firing ---------------------------------------------------------------------------------------------------------
@dataclass
class TickResult:
    claimed: int = 0
    fired: int = 0
    failed: int = 0


@dataclass
class _Due:
    track: EscalationTrack
    spec: SchemeSpec
    level: schemes.LevelSpec
    obj: Any
    clock: Clock
    due_at: dt.datetime


def fire_due_escalations(*, now: dt.datetime | None = None, limit: int = BATCH) -> TickResult:
    """One tick: claim up to `limit` due tracks and fire their due levels."""
    now = now or timezone.now()
    with transaction.atomic():
        claim = EscalationTrack.objects.select_for_update(skip_locked=True).filter(next_at__lte=now)
        tracks = list(claim.order_by("next_at")[:limit])
        if not tracks:
            return TickResult()
        try:
            with transaction.atomic():
                return TickResult(len(tracks), _process(tracks, now), 0)
        except Exception:  # one bad row must not stop the batch: retry them one at a time
            log.exception("escalation batch of %d tracks failed; retrying one by one", len(tracks))
        result = TickResult(claimed=len(tracks))
        for track in tracks:
            fresh = EscalationTrack.objects.get(pk=track.pk)
            try:
                with transaction.atomic():
                    result.fired += _process([fresh], now)
            except Exception as exc:  # noqa: BLE001 - logged; the row is pushed forward
                result.failed += 1
                log.exception("escalation of scheme %s, object %s failed", fresh.scheme_id, fresh.object_id)
                _postpone(fresh, now, exc)
    return result


def _postpone(track: EscalationTrack, now: dt.datetime, error: Exception) -> None:
    attempts = track.attempts + 1
    delay = min(dt.timedelta(minutes=2**attempts), MAX_BACKOFF)
    EscalationTrack.objects.filter(pk=track.pk).update(
        next_at=now + delay, attempts=attempts, last_error=f"{type(error).__name__}: {error}"[:2000], updated_at=now
    )


def _load(tracks: Sequence[EscalationTrack]) -> dict[tuple[str, int], Any]:
    ids: dict[str, set[int]] = defaultdict(set)
    for track in tracks:
        spec = schemes.by_pk(track.scheme_id)
        if spec is not None:
            ids[spec.target].add(track.object_id)
    found: dict[tuple[str, int], Any] = {}
    ticket_ids = ids[Target.TICKET_REACTION] | ids[Target.TICKET_RESOLUTION]
    if ticket_ids:
        # Only what the clocks read; actions that change a ticket load it again themselves.
        tickets = Ticket.objects.select_related("agreement__schedule").defer("description", "solution")
        for pk, ticket in tickets.in_bulk(ticket_ids).items():
            found[(Target.TICKET_REACTION, pk)] = found[(Target.TICKET_RESOLUTION, pk)] = ticket
    if ids[Target.TASK]:
        tasks = TicketTask.objects.select_related(
            "ticket__agreement__schedule", "responsible_employee", "responsible_team"
        )
        found.update({(Target.TASK, pk): task for pk, task in tasks.in_bulk(ids[Target.TASK]).items()})
    if ids[Target.APPROVAL]:
        approvals = Approval.objects.select_related("ticket__agreement__schedule")
        found.update({(Target.APPROVAL, pk): a for pk, a in approvals.in_bulk(ids[Target.APPROVAL]).items()})
    return found


def _process(tracks: Sequence[EscalationTrack], now: dt.datetime) -> int:
    objects = _load(tracks)
    due: list[_Due] = []
    for track in tracks:
        spec = schemes.by_pk(track.scheme_id)
        obj = objects.get((spec.target, track.object_id)) if spec is not None else None
        if spec is None or obj is None:
            track.next_at = None  # the scheme was switched off or the object is gone
            continue
        clock = clock_for(spec.target, obj)
        for level in spec.levels:
            moment = clock.due_at(level) if level.pk not in track.fired else None
            if moment is not None and moment <= now:
                due.append(_Due(track, spec, level, obj, clock, moment))
    inserted = _insert_firings(due, now)
    for item in due:
        item.track.fired = [*item.track.fired, item.level.pk]
    fresh = [item for item in due if (item.level.pk, item.obj.pk) in inserted]
    actions.notify([(item.spec, item.level, item.obj, item.clock) for item in fresh], now)
    touched = actions.act([(item.spec, item.level, item.obj) for item in fresh])
    _reschedule(tracks, objects, touched, now)
    return len(fresh)


def _insert_firings(due: Sequence[_Due], now: dt.datetime) -> set[tuple[int, int]]:
    """Insert the firing rows; returns the (level, object) pairs this insert really added."""
    if not due:
        return set()
    columns: tuple[list[Any], ...] = ([], [], [], [], [], [])  # level, object, ticket, due, fired, deadline
    for item in due:
        row = (item.level.pk, item.obj.pk, ticket_of(item.obj).pk, item.due_at, now, item.clock.deadline)
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    head = "INSERT INTO escalation_escalationfiring (level_id, object_id, ticket_id, due_at, fired_at, deadline) "
    tail = " ON CONFLICT (level_id, object_id) DO NOTHING RETURNING level_id, object_id"
    if connection.vendor == "postgresql":
        # Six array parameters instead of six per row, bound by the server: the statement stays
        # short and costs no client-side quoting however many levels fire.
        types = ("bigint[]", "bigint[]", "bigint[]", "timestamptz[]", "timestamptz[]", "timestamptz[]")
        arrays = ", ".join(f"%s::{kind}" for kind in types)
        rows = server_bound(f"{head}SELECT * FROM unnest({arrays}){tail}", [list(column) for column in columns])
        return {(int(level), int(obj)) for level, obj in rows}
    adapt = connection.ops.adapt_datetimefield_value
    flat = [(*line[:3], *(adapt(value) for value in line[3:])) for line in zip(*columns, strict=True)]
    placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(flat))
    with connection.cursor() as cursor:
        cursor.execute(f"{head}VALUES {placeholders}{tail}", [value for line in flat for value in line])
        return {(int(level), int(obj)) for level, obj in cursor.fetchall()}


def _reschedule(
    tracks: Sequence[EscalationTrack],
    objects: dict[tuple[str, int], Any],
    touched: set[tuple[str, int]],
    now: dt.datetime,
) -> None:
    """Each track's next due moment, from the objects as the actions left them."""
    refreshed = _load([t for t in tracks if _key(t) in touched]) if touched else {}
    for track in tracks:
        spec = schemes.by_pk(track.scheme_id)
        key = (spec.target, track.object_id) if spec else ("", 0)
        obj = refreshed.get(key) or objects.get(key)
        if spec is not None and obj is not None:
            track.next_at = next_due(spec, clock_for(spec.target, obj), track.fired)
        track.attempts, track.last_error, track.updated_at = 0, "", now
    _save_tracks(tracks, now)


def _save_tracks(tracks: Sequence[EscalationTrack], now: dt.datetime) -> None:
    """Write next_at and fired of the claimed tracks in one statement."""
    if connection.vendor != "postgresql":
        EscalationTrack.objects.bulk_update(tracks, ["next_at", "fired", "attempts", "last_error", "updated_at"])
        return
    server_bound(
        "UPDATE escalation_escalationtrack AS t SET next_at = v.next_at, fired = v.fired::jsonb, attempts = 0, "
        "last_error = '', updated_at = %s "
        "FROM unnest(%s::bigint[], %s::timestamptz[], %s::text[]) AS v(id, next_at, fired) WHERE t.id = v.id",
        [now, [t.pk for t in tracks], [t.next_at for t in tracks], [json.dumps(t.fired) for t in tracks]],
    )


def _key(track: EscalationTrack) -> tuple[str, int]:
    """(kind of object, id): what the actions report as touched."""
    spec = schemes.by_pk(track.scheme_id)
    return (actions.kind_of(spec.target) if spec else "", track.object_id)

"""What the card and the list show of a ticket's SLA clocks, and the explanation of a deadline.

`clock_views` says, per clock, whether it was met, met late (and by how much working time), is
running (and how much working time is left), is overdue, or paused. `explain` lays out the
timeline behind a deadline: every counted working stretch, the breaks, nights, weekends and
holidays between them, the pauses (statuses in which the clock stops), the projection to the
deadline, and the rule that set the time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import (
    COUNTED_STATUSES,
    ClockKind,
    Priority,
    SlaRule,
    Ticket,
    TicketStatus,
)
from ..worktime.engine import Piece, WorkingTime
from .sla import STOPPED_FINAL, ZERO, periods_of, resolution_left, working_time_of


class State:
    MET = "met"
    LATE = "late"  # met after the deadline
    RUNNING = "running"
    OVERDUE = "overdue"  # running (or paused) past the deadline
    PAUSED = "paused"
    STOPPED = "stopped"  # cancelled before the deadline
    NONE = "none"


@dataclass(frozen=True)
class ClockView:
    kind: str
    state: str
    deadline: dt.datetime | None
    target: dt.timedelta | None
    remaining: dt.timedelta | None = None
    late_by: dt.timedelta | None = None
    met_at: dt.datetime | None = None

    @property
    def is_red(self) -> bool:
        return self.state in (State.LATE, State.OVERDUE)


def reaction_view(ticket: Ticket, now: dt.datetime, clock: WorkingTime) -> ClockView:
    deadline, target = ticket.reaction_deadline, ticket.reaction_target
    if ticket.reacted_at is not None:
        if deadline is not None and ticket.reacted_at > deadline:
            late = clock.between(deadline, ticket.reacted_at)
            return ClockView(ClockKind.REACTION, State.LATE, deadline, target, late_by=late, met_at=ticket.reacted_at)
        return ClockView(ClockKind.REACTION, State.MET, deadline, target, met_at=ticket.reacted_at)
    if ticket.status in STOPPED_FINAL or deadline is None:
        return ClockView(ClockKind.REACTION, State.NONE, deadline, target)
    left = clock.between(now, deadline)
    if left < ZERO or now > deadline:
        return ClockView(ClockKind.REACTION, State.OVERDUE, deadline, target, late_by=-left)
    return ClockView(ClockKind.REACTION, State.RUNNING, deadline, target, remaining=left)


def resolution_view(ticket: Ticket, now: dt.datetime, clock: WorkingTime) -> ClockView:
    deadline, target = ticket.resolution_deadline, ticket.resolution_target
    if target is None:
        return ClockView(ClockKind.RESOLUTION, State.NONE, deadline, target)
    left = resolution_left(ticket, now, clock)
    if ticket.status in STOPPED_FINAL:
        met_at = ticket.resolved_at or ticket.closed_at
        if left < ZERO:
            return ClockView(ClockKind.RESOLUTION, State.LATE, deadline, target, late_by=-left, met_at=met_at)
        state = State.STOPPED if ticket.status == TicketStatus.CANCELLED else State.MET
        return ClockView(ClockKind.RESOLUTION, state, deadline, target, met_at=met_at)
    if left < ZERO:
        return ClockView(ClockKind.RESOLUTION, State.OVERDUE, deadline, target, late_by=-left)
    if ticket.sla_running_since is None:
        return ClockView(ClockKind.RESOLUTION, State.PAUSED, deadline, target, remaining=left)
    return ClockView(ClockKind.RESOLUTION, State.RUNNING, deadline, target, remaining=left)


def clock_views(ticket: Ticket, now: dt.datetime) -> tuple[ClockView, ClockView]:
    clock = working_time_of(ticket)
    return reaction_view(ticket, now, clock), resolution_view(ticket, now, clock)


# --- labels ------------------------------------------------------------------------------------------------
def format_duration(value: dt.timedelta | None) -> str:
    """ "2 d 3 h 15 min" in working time, a "day" being 24 working hours (as the SLA units)."""
    if value is None:
        return ""
    seconds = int(abs(value).total_seconds())
    if seconds < 60:
        return ngettext("%(n)d s", "%(n)d s", seconds) % {"n": seconds}
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(ngettext("%(n)d d", "%(n)d d", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d h", "%(n)d h", hours) % {"n": hours})
    if minutes:
        parts.append(ngettext("%(n)d min", "%(n)d min", minutes) % {"n": minutes})
    return " ".join(parts)


def rule_label(ticket: Ticket, kind: str) -> str:
    """Which rule set the clock's time, in words: "Agreement — rule 2 (priority: High): 4 h"."""
    rule_id = ticket.reaction_rule_id if kind == ClockKind.REACTION else ticket.resolution_rule_id
    target = ticket.reaction_target if kind == ClockKind.REACTION else ticket.resolution_target
    agreement = ticket.agreement
    rule = (
        SlaRule.objects.filter(pk=rule_id).prefetch_related("ticket_types", "services", "companies").first()
        if rule_id
        else None
    )
    if rule is None:
        return _("“%(agreement)s”, default time: %(time)s") % {
            "agreement": agreement,
            "time": format_duration(target),
        }
    return _("“%(agreement)s”, rule %(position)s (%(conditions)s): %(time)s") % {
        "agreement": agreement,
        "position": rule.position,
        "conditions": conditions_label(rule),
        "time": format_duration(target),
    }


def conditions_label(rule: SlaRule) -> str:
    parts = []
    if rule.ticket_types.all():
        parts.append(_("type: %(list)s") % {"list": ", ".join(str(t) for t in rule.ticket_types.all())})
    if rule.services.all():
        parts.append(_("service: %(list)s") % {"list": ", ".join(str(s) for s in rule.services.all())})
    if rule.priorities:
        labels = ", ".join(str(Priority(int(p)).label).lower() for p in rule.priorities if int(p) in Priority.values)
        parts.append(_("priority: %(list)s") % {"list": labels})
    if rule.companies.all():
        parts.append(_("company: %(list)s") % {"list": ", ".join(c.name for c in rule.companies.all())})
    return "; ".join(parts) or _("any ticket")


def day_explained(schedule_label: str, clock: WorkingTime) -> str:
    """Next to a time field: what "1 day" means under this schedule (seed: 1 day = 24 working hours)."""
    week = [clock.week[day] for day in range(1, 8)]
    days = [sum(end - start for start, end in intervals) for intervals in week if intervals]
    if clock.around_the_clock or not days:
        return _("1 day = 24 working hours; under “%(schedule)s” that is one calendar day.") % {
            "schedule": schedule_label
        }
    per_day = sum(days) / len(days)
    working_days = 24 * 3600 / per_day
    shown = f"{working_days:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return _(
        "1 day = 24 working hours: under “%(schedule)s” (%(hours)s working hours a day) that is "
        "%(days)s working days. To count working days, give hours instead (2 working days = %(two)s hours)."
    ) % {
        "schedule": schedule_label,
        "hours": f"{per_day / 3600:.1f}".rstrip("0").rstrip(".").replace(".", ","),
        "days": shown,
        "two": f"{2 * per_day / 3600:.1f}".rstrip("0").rstrip(".").replace(".", ","),
    }


# --- the explanation -----------------------------------------------------------------------------------------
ROW_LIMIT = 400


@dataclass(frozen=True)
class Row:
    start: dt.datetime
    end: dt.datetime
    kind: str  # "counted", "gap", "pause", "stop" (the final one), "projected", "projected_gap"
    label: str
    worked: dt.timedelta = ZERO


@dataclass
class Explanation:
    kind: str
    view: ClockView
    rule: str
    schedule: str
    zone: str
    registered: dt.datetime | None
    rows: list[Row] = field(default_factory=list)
    spent: dt.timedelta = ZERO
    truncated: int = 0


_GAP_LABELS = {
    "break": lambda: _("break"),
    "night": lambda: _("outside working hours"),
    "weekend": lambda: _("weekend"),
    "holiday": lambda: _("public holiday"),
    "day_off": lambda: _("day off"),
}


def _gap_label(piece: Piece) -> str:
    label = _GAP_LABELS.get(piece.reason, _GAP_LABELS["night"])()
    return f"{label}: {piece.note}" if piece.note else label


def _pieces(clock: WorkingTime, start: dt.datetime, end: dt.datetime, label: str, projected: bool) -> list[Row]:
    rows = []
    for piece in clock.pieces(start, end):
        if piece.working:
            rows.append(
                Row(piece.start, piece.end, "projected" if projected else "counted", label, piece.end - piece.start)
            )
        else:
            rows.append(Row(piece.start, piece.end, "projected_gap" if projected else "gap", _gap_label(piece)))
    return rows


def explain(ticket: Ticket, kind: str, now: dt.datetime) -> Explanation:
    clock = working_time_of(ticket)
    schedule = ticket.agreement.schedule
    reaction, resolution = reaction_view(ticket, now, clock), resolution_view(ticket, now, clock)
    periods = periods_of(ticket)
    registered = periods[0].started_at
    result = Explanation(
        kind=kind,
        view=reaction if kind == ClockKind.REACTION else resolution,
        rule=rule_label(ticket, kind),
        schedule=str(schedule) if schedule else _("default 8×5"),
        zone=str(clock.zone),
        registered=registered,
    )
    rows: list[Row] = []
    if kind == ClockKind.REACTION:
        end = ticket.reacted_at or now
        rows += _pieces(clock, registered, end, _("reaction clock running"), projected=False)
        result.spent = clock.between(registered, end)
        if ticket.reacted_at is None and ticket.reaction_deadline and ticket.reaction_deadline > now:
            rows += _pieces(clock, now, ticket.reaction_deadline, _("left until the deadline"), projected=True)
    else:
        for period in periods:
            end = period.ended_at or now
            status = TicketStatus(period.status).label if period.status in TicketStatus.values else period.status
            if period.counted:
                rows += _pieces(clock, period.started_at, end, str(status), projected=False)
                result.spent += clock.between(period.started_at, end)
            elif period.ended_at is None and ticket.status in STOPPED_FINAL:
                rows.append(
                    Row(
                        period.started_at,
                        period.started_at,
                        "stop",
                        _("clock stopped: %(status)s") % {"status": status},
                    )
                )
            elif end > period.started_at:
                rows.append(Row(period.started_at, end, "pause", _("clock stopped: %(status)s") % {"status": status}))
        deadline = ticket.resolution_deadline
        running = ticket.sla_running_since is not None and ticket.status in COUNTED_STATUSES
        if running and deadline is not None and deadline > now:
            rows += _pieces(clock, now, deadline, _("left until the deadline"), projected=True)
    if len(rows) > ROW_LIMIT:
        result.truncated = len(rows) - ROW_LIMIT
        rows = rows[: ROW_LIMIT // 2] + rows[-ROW_LIMIT // 2 :]
    result.rows = rows
    return result

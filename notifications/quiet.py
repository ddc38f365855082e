"""Quiet hours, digests and burst folding: which notifications wait, and how the waiting ones go out.

In the fan-out, after mutes and rate limits, each queued message of a personal channel (e-mail,
in-app push, Web Push, Telegram: `channels.DeliveryChannel.personal`) is checked:
- urgent (the action's flag, or an escalation level's, passed as `data["urgent"]`) goes at once;
- a person with a digest gets it at their next digest time (every N minutes, or daily at a time);
- in their quiet hours (or, if chosen, outside the working hours of their employee card's
  schedule) it waits for the end of them;
- past `NOTIFY_BURST_THRESHOLD` notifications of one event within `NOTIFY_BURST_SECONDS` for one
  recipient (500 tickets crossing 75 % of SLA at once), the rest wait for the burst to end.
Waiting ones are rendered at once and kept as `HeldNotification` rows; `release_due` (beat, every
minute) hands everything due per recipient and channel to that channel as one message listing
them, or alone (`DeliveryChannel.release`).
Times of day are the person's own (their profile's time zone).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from servicedesk.models import Employee, ServiceSchedule
from servicedesk.worktime.calendars import working_time

from . import channels
from .channels import Released
from .models import Delivery, DeliverySchedule, HeldNotification, Occurrence

if TYPE_CHECKING:
    from .fanout import Planned

Reason = HeldNotification.Reason


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name or settings.TIME_ZONE)


def _in_quiet(moment: dt.time, start: dt.time, end: dt.time) -> bool:
    if start <= end:
        return start <= moment < end
    return moment >= start or moment < end  # across midnight: 22:00–07:00


def after_quiet(moment: dt.datetime, schedule: DeliverySchedule, zone: ZoneInfo) -> dt.datetime:
    """`moment`, or the end of the quiet hours it falls in."""
    start, end = schedule.quiet_from, schedule.quiet_to
    if start is None or end is None or start == end:
        return moment
    local = moment.astimezone(zone)
    if not _in_quiet(local.time(), start, end):
        return moment
    until = dt.datetime.combine(local.date(), end, tzinfo=zone)
    if until <= local:
        until = dt.datetime.combine(local.date() + dt.timedelta(days=1), end, tzinfo=zone)
    return until


def next_digest(moment: dt.datetime, schedule: DeliverySchedule, zone: ZoneInfo) -> dt.datetime:
    """The first digest time after `moment` (`moment` itself without a digest)."""
    local = moment.astimezone(zone)
    if schedule.digest == DeliverySchedule.Digest.INTERVAL:
        step = max(schedule.digest_minutes, 1)
        midnight = dt.datetime.combine(local.date(), dt.time(0), tzinfo=zone)
        passed = int((local - midnight).total_seconds() // 60)
        return midnight + dt.timedelta(minutes=(passed // step + 1) * step)
    if schedule.digest == DeliverySchedule.Digest.DAILY:
        today = dt.datetime.combine(local.date(), schedule.digest_at, tzinfo=zone)
        return today if today > local else today + dt.timedelta(days=1)
    return moment


def release_time(
    schedule: DeliverySchedule, zone: ZoneInfo, work: ServiceSchedule | None, now: dt.datetime
) -> tuple[dt.datetime, str]:
    """When a non-urgent notification for this person may go, and why it waits (empty: now)."""
    moment = next_digest(now, schedule, zone)
    reason = Reason.DIGEST if moment > now else ""
    for _round in range(3):  # quiet hours and working hours can push each other forward
        later = after_quiet(moment, schedule, zone)
        if schedule.quiet_outside_working_hours and work is not None:
            later = working_time(work).next_working(later)
        if later == moment:
            break
        moment, reason = later, reason or Reason.QUIET
    return moment, reason


def hold(planned: Sequence[Planned], occurrence: Occurrence, now: dt.datetime) -> None:
    """Mark the queued items that must wait (status HELD, with `release_at` and `hold_reason`)."""
    if occurrence.data.get("urgent"):
        return
    personal = {channel.code for channel in channels.all_channels() if channel.personal}
    items = [
        p
        for p in planned
        if p.status == Delivery.Status.QUEUED and not p.action.is_urgent and p.action.channel in personal
    ]
    if not items:
        return
    _hold_for_schedules(items, now)
    _fold_bursts([p for p in items if p.status == Delivery.Status.QUEUED], occurrence.event, now)


def _hold_for_schedules(items: Sequence[Planned], now: dt.datetime) -> None:
    user_ids = {p.recipient.user_id for p in items if p.recipient.user_id}
    if not user_ids:
        return
    schedules = {s.user_id: s for s in DeliverySchedule.objects.filter(user_id__in=user_ids)}
    if not schedules:
        return
    work = {
        e.user_id: e.work_schedule
        for e in Employee.objects.filter(user_id__in=schedules).select_related("work_schedule")
    }
    for item in items:
        schedule = schedules.get(item.recipient.user_id) if item.recipient.user_id else None
        if schedule is None:
            continue
        release, reason = release_time(schedule, _zone(item.recipient.time_zone), work.get(schedule.user_id), now)
        if release > now:
            item.status, item.release_at, item.hold_reason = Delivery.Status.HELD, release, reason


def _fold_bursts(items: Sequence[Planned], event: str, now: dt.datetime) -> None:
    threshold, seconds = settings.NOTIFY_BURST_THRESHOLD, settings.NOTIFY_BURST_SECONDS
    if not threshold:
        return
    for channel in {p.action.channel for p in items}:
        chosen = [p for p in items if p.action.channel == channel]
        keys = [p.key for p in chosen]
        recent = Delivery.objects.filter(
            channel=channel,
            recipient__in=keys,
            occurrence__event=event,
            status__in=(Delivery.Status.QUEUED, Delivery.Status.HELD),
            created_at__gte=now - dt.timedelta(seconds=seconds),
        )
        counts = Counter(dict(recent.values_list("recipient").annotate(n=Count("id")).values_list("recipient", "n")))
        # A burst already waiting: join it, so the whole burst goes out as one message.
        waiting = dict(
            HeldNotification.objects.filter(
                channel=channel, recipient__in=keys, event=event, reason=Reason.BURST, released_at=None
            )
            .values_list("recipient")
            .annotate(at=Min("release_at"))
            .values_list("recipient", "at")
        )
        for item in chosen:
            if counts[item.key] >= threshold:
                release = waiting.get(item.key) or now + dt.timedelta(seconds=seconds)
                item.status, item.release_at, item.hold_reason = Delivery.Status.HELD, release, Reason.BURST


# --- release -------------------------------------------------------------------------------------


def release_due(now: dt.datetime | None = None, limit: int = 5000) -> int:
    """Send what is due: one message per recipient and channel. Returns the number of messages."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(
            HeldNotification.objects.select_for_update(skip_locked=True)
            .filter(released_at=None, release_at__lte=now)
            .order_by("channel", "recipient", "created_at", "pk")[:limit]
        )
        groups: dict[tuple[str, str], list[HeldNotification]] = defaultdict(list)
        for row in rows:
            groups[(row.channel, row.recipient)].append(row)
        by_channel: dict[str, list[Released]] = defaultdict(list)
        for (code, _recipient), group in groups.items():
            with translation.override(group[0].language):
                by_channel[code].append(_released(group))
        for code, messages in by_channel.items():
            try:
                channel = channels.get(code)
            except KeyError:  # the channel's module is gone: nothing can send these any more
                continue
            channel.release(messages)
        HeldNotification.objects.filter(pk__in=[row.pk for row in rows]).update(released_at=now)
    return len(groups)


def _released(group: list[HeldNotification]) -> Released:
    first, alone = group[0], len(group) == 1
    subject, text, url = _compose(group)
    return Released(
        recipient=first.recipient,
        user_id=first.user_id,
        email=first.email,
        language=first.language,
        event=first.event if alone else "digest",
        action_id=first.action_id if alone else None,
        ticket_id=first.ticket_id if alone else None,
        subject=subject,
        text=text,
        url=url,
    )


def prune_released(now: dt.datetime | None = None) -> int:
    """Released rows older than `NOTIFY_LOG_RETENTION_DAYS`: they were only the waiting room."""
    limit = (now or timezone.now()) - dt.timedelta(days=settings.NOTIFY_LOG_RETENTION_DAYS)
    deleted, _detail = HeldNotification.objects.filter(released_at__lt=limit).delete()
    return deleted


def _compose(group: list[HeldNotification]) -> tuple[str, str, str]:
    """(subject, text, link) of one message: the notification itself, or a list of them."""
    if len(group) == 1:
        return group[0].subject, group[0].text, group[0].url
    count = len(group)
    if all(row.reason == Reason.BURST for row in group) and len({row.event for row in group}) == 1:
        subject = ngettext(
            "%(count)d notification of one kind at once", "%(count)d notifications of one kind at once", count
        ) % {"count": count}
    else:
        subject = ngettext("Digest: %(count)d notification", "Digest: %(count)d notifications", count) % {
            "count": count
        }
    lines = [_line(row) for row in group]
    intro = gettext("Notifications that waited for you, oldest first:")
    return subject, "\n".join([intro, "", *lines]), ""


def _line(row: HeldNotification) -> str:
    when = timezone.localtime(row.created_at).strftime("%d.%m %H:%M")
    link = f"\n  {settings.SITE_URL.rstrip('/')}{row.url}" if row.url.startswith("/") else ""
    return f"• {when} {row.subject}{link}"


def held_rows(
    items: Iterable[tuple[Planned, str, str, str]], occurrence: Occurrence, ticket_id: int | None, now: dt.datetime
) -> list[HeldNotification]:
    """Rows for the held items of a fan-out: (item, subject, text, url) each, already rendered."""
    return [
        HeldNotification(
            channel=item.action.channel,
            recipient=item.key,
            user_id=item.recipient.user_id,
            email=item.recipient.email,
            language=item.recipient.language,
            event=occurrence.event,
            action=item.action,
            ticket_id=ticket_id,
            subject=subject[:500],
            text=text,
            url=url[:500],
            reason=item.hold_reason,
            created_at=now,
            release_at=item.release_at or now,
        )
        for item, subject, text, url in items
    ]

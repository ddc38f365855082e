"""Public operations of the notifications app.

- `handle_domain_events` is a journal handler of `servicedesk.events`: in the transaction of the
  change it maps domain events onto catalogue events and records an Occurrence per catalogue event
  in one INSERT (a mail intake chunk's events together); after commit one kick asks a worker for
  the fan-out. The rows are the outbox: a lost kick (broker down) is made good by the sweeper.
- `notify_event` is how other apps raise a catalogue event of their own (mail, escalation, telephony).
- Preview, test sending, read marks and mutes serve the admin and the notification centre.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from servicedesk import events
from servicedesk.kicks import kick_on_commit
from servicedesk.models import Comment, Ticket, TicketChannel, TicketStatus, User

from . import catalogue, channels, work_items
from .compose import MailFrame, Rendered, letter, render_template
from .context import build_values
from .fanout import sweep_grace
from .mail import Letter, as_sent, enqueue
from .models import EventAction, Notification, Occurrence, Preference
from .tasks import fan_out_many_task

_REGISTERED_BY_CHANNEL: dict[str, str] = {
    TicketChannel.EMAIL: catalogue.TICKET_REGISTERED_EMAIL,
    TicketChannel.PORTAL: catalogue.TICKET_REGISTERED_CLIENT,
}
_STATUS_EVENTS: dict[str, str] = {
    TicketStatus.RESOLVED: catalogue.TICKET_RESOLVED,
    TicketStatus.CLOSED: catalogue.TICKET_CLOSED,
    TicketStatus.RESUMED: catalogue.TICKET_RESUMED,
}


def _comment_event(event: events.DomainEvent, comments: Mapping[int, Comment] | None = None) -> str:
    if event.data.get("private"):
        return catalogue.COMMENT_PRIVATE
    comment_id = event.data.get("comment_id")
    if comments is None:
        comments = _comments_of([event])
    comment = comments.get(comment_id) if comment_id is not None else None
    if comment is not None and _is_requester(comment):
        return catalogue.REQUESTER_REPLIED
    return catalogue.COMMENT_PUBLIC


def _comments_of(batch: Iterable[events.DomainEvent]) -> dict[int, Comment]:
    """The public comments the events mention, with what `_is_requester` reads, in one query."""
    found = [e.data.get("comment_id") for e in batch if e.name == events.COMMENT_ADDED and not e.data.get("private")]
    ids: list[int] = [pk for pk in found if pk is not None]
    if not ids:
        return {}
    rows = (
        Comment.objects.select_related("ticket__requester_employee", "ticket__requester_contact")
        .only(
            "author",
            "author_email",
            "ticket__requester_email",
            "ticket__requester_employee__user",
            "ticket__requester_contact__user",
        )
        .filter(pk__in=ids)
    )
    return {comment.pk: comment for comment in rows}


def _is_requester(comment: Comment) -> bool:
    ticket = comment.ticket
    person = ticket.requester_employee or ticket.requester_contact
    if comment.author_id is not None and person is not None and person.user_id == comment.author_id:
        return True
    address = (comment.author_email or "").lower()
    return bool(address) and address == (ticket.requester_email or "").lower()


def catalogue_codes(event: events.DomainEvent, comments: Mapping[int, Comment] | None = None) -> list[str]:
    """The catalogue events one domain event stands for (a status change may be two).

    `comments` (id -> comment) saves the lookup of a comment event's comment when the caller
    loaded a batch of them at once."""
    name = event.name
    own = work_items.codes_for(event)
    if own is not None:
        return own
    if name == events.TICKET_CREATED:
        return [_REGISTERED_BY_CHANNEL.get(str(event.data.get("channel")), catalogue.TICKET_REGISTERED_OPERATOR)]
    if name == events.TICKET_STATUS_CHANGED:
        extra = _STATUS_EVENTS.get(str(event.data.get("new")))
        return [catalogue.TICKET_STATUS_CHANGED, *([extra] if extra else [])]
    if name == events.TICKET_PRIORITY_CHANGED:
        return [catalogue.TICKET_PRIORITY_CHANGED]
    if name == events.TICKET_ASSIGNED:
        return [catalogue.TICKET_ASSIGNED]
    if name == events.COMMENT_ADDED:
        return [_comment_event(event, comments)]
    if name == events.ATTACHMENT_ADDED:
        return [catalogue.ATTACHMENT_ADDED]
    if name == events.WATCHER_ADDED:
        return [catalogue.WATCHER_ADDED]
    return []


def handle_domain_events(batch: list[events.DomainEvent]) -> None:
    """Journal handler (NotificationsConfig.ready): runs in the transaction of the change.

    Whatever the batch size it costs at most three queries (comments to classify, the events an
    enabled action listens to, one INSERT of the occurrences) and one kick after commit; matching,
    recipients and rendering happen in the kicked task. Occurrences are the durable record: should
    the kick be lost, the sweeper (`fan_out_due`) takes them up.
    """
    comments = _comments_of(batch)
    wanted = [(code, event) for event in batch for code in catalogue_codes(event, comments)]
    if not wanted:
        return
    listening = set(
        EventAction.objects.filter(event__in={code for code, _event in wanted}, enabled=True)
        .values_list("event", flat=True)
        .distinct()
    )
    due = timezone.now() + sweep_grace()
    rows = [
        Occurrence(
            event=code,
            ticket_id=event.ticket_id,
            actor_id=event.actor_id,
            data=work_items.enrich(code, event),
            next_attempt_at=due,
        )
        for code, event in wanted
        if code in listening
    ]
    if not rows:
        return
    Occurrence.objects.bulk_create(rows)
    kick_on_commit(fan_out_many_task, [row.pk for row in rows])


def handle_domain_event(event: events.DomainEvent) -> None:
    """One event on its own; the same as a batch of one."""
    handle_domain_events([event])


def record_occurrence(
    code: str, *, ticket_id: int | None, actor_id: int | None, data: dict[str, Any]
) -> Occurrence | None:
    """Journal the event and queue its fan-out after commit; nothing is recorded when no enabled
    action listens (most events of a quiet installation cost one indexed query)."""
    if not EventAction.objects.filter(event=code, enabled=True).exists():
        return None
    occurrence = Occurrence.objects.create(
        event=code, ticket_id=ticket_id, actor_id=actor_id, data=data, next_attempt_at=timezone.now() + sweep_grace()
    )
    kick_on_commit(fan_out_many_task, [occurrence.pk])
    return occurrence


def notify_event(
    event_code: str,
    *,
    ticket: Ticket | None = None,
    context: Mapping[str, str],
    actor: User | None = None,
    assignees: Mapping[str, Iterable[int]] | None = None,
    moments: Mapping[str, datetime] | None = None,
    url: str = "",
) -> Occurrence | None:
    """Raise catalogue event `event_code` with ready-made placeholder values (UPPER_SNAKE keys).

    Used by the mail app ("mail.connection_failing", "mail.unprocessable") and by later apps for
    their own events. Safe inside a transaction: the fan-out starts after it commits. An event may
    name the people it is about (`assignees`: `employee_ids` and `team_ids`, reached by the
    actions' "assignees" as for tasks and approvals), instants to be shown in each recipient's
    time zone (`moments`: placeholder name -> aware datetime) and the page its in-app
    notification opens (`url`).
    """
    if catalogue.get_event(event_code) is None:
        raise ValueError(f"unknown notification event {event_code!r}")
    data: dict[str, Any] = {
        "context": {str(key): "" if value is None else str(value) for key, value in context.items()}
    }
    if assignees:
        data["assignees"] = {key: sorted({int(pk) for pk in ids}) for key, ids in assignees.items()}
    if moments:
        data["moments"] = {str(key): value.isoformat() for key, value in moments.items()}
    if url:
        data["url"] = url
    return record_occurrence(
        event_code, ticket_id=ticket.pk if ticket else None, actor_id=actor.pk if actor else None, data=data
    )


def record_occurrences(items: Iterable[tuple[str, int | None, dict[str, Any]]]) -> list[Occurrence]:
    """Journal many catalogue events at once (event code, ticket id, data) and queue one fan-out
    task after commit. Used by escalation: `data` may restrict the event to `action_ids`, and ask
    to `hold` deliveries to the recipients' working hours (see notifications.hold)."""
    now = timezone.now()
    rows = [
        Occurrence(event=code, ticket_id=ticket_id, data=data, created_at=now, next_attempt_at=now + sweep_grace())
        for code, ticket_id, data in items
    ]
    if not rows:
        return rows
    if connection.vendor == "postgresql":
        _insert_occurrences(rows)
    else:
        Occurrence.objects.bulk_create(rows)
    kick_on_commit(fan_out_many_task, [row.pk for row in rows])
    return rows


def _insert_occurrences(rows: list[Occurrence]) -> None:
    """One INSERT ... SELECT FROM unnest(arrays), bound by the server (escalation writes hundreds
    per scheduler tick; Django's bulk_create quotes every value on the client)."""
    import json

    from servicedesk.dbutil import server_bound

    ids = server_bound(
        "INSERT INTO notifications_occurrence (event, ticket_id, data, created_at, next_attempt_at, attempts) "
        "SELECT e, t, d::jsonb, c, n, 0 FROM unnest(%s::text[], %s::bigint[], %s::text[], %s::timestamptz[], "
        "%s::timestamptz[]) AS v(e, t, d, c, n) RETURNING id",
        [
            [row.event for row in rows],
            [row.ticket_id for row in rows],
            [json.dumps(row.data, ensure_ascii=False) for row in rows],
            [row.created_at for row in rows],
            [row.next_attempt_at for row in rows],
        ],
    )
    for row, (pk,) in zip(rows, ids, strict=True):
        row.pk = pk


# --- Preview and test sending (the template editor) ----------------------------------------------------
def sample_data(action: EventAction, ticket: Ticket | None) -> dict[str, Any]:
    """Event data for a preview: the ticket's latest comment, attachment and watcher stand in."""
    if ticket is None:
        return {"context": {name: name for name in catalogue.placeholders_for(action.event)}}
    comment = ticket.comments.order_by("-pk").first()
    attachment = ticket.attachments.order_by("-pk").first()
    watcher = ticket.watchers.order_by("-pk").first()
    return {
        "old": ticket.status,
        "new": ticket.status,
        "comment_id": comment.pk if comment else None,
        "attachment_id": attachment.pk if attachment else None,
        "watcher_id": watcher.pk if watcher else None,
    }


def preview(*, action: EventAction, ticket: Ticket | None, language: str, recipient_name: str = "") -> Rendered:
    values = build_values(ticket=ticket, data=sample_data(action, ticket), actor=None, language=language)
    values["RECIPIENT_NAME"] = recipient_name
    return render_template(action, values, language)


def _test_letter(
    *, action: EventAction, ticket: Ticket | None, language: str, to: str, recipient_name: str = ""
) -> Letter:
    rendered = preview(action=action, ticket=ticket, language=language, recipient_name=recipient_name)
    # Signed like a notification, so the test looks like the real thing.
    frame = MailFrame.for_ticket(ticket.pk if ticket else None)
    return letter(rendered, frame, to, language=language, kind="test", sign=True)


def preview_letter(
    *, action: EventAction, ticket: Ticket | None, language: str, to: str, recipient_name: str = ""
) -> Letter:
    """The test message as it will arrive, signature included."""
    return as_sent(_test_letter(action=action, ticket=ticket, language=language, to=to, recipient_name=recipient_name))


def send_test(*, action: EventAction, ticket: Ticket | None, language: str, to: str, recipient_name: str = "") -> int:
    """Send the preview through the outbox, exactly as a real notification would go."""
    with transaction.atomic():
        return enqueue(
            _test_letter(action=action, ticket=ticket, language=language, to=to, recipient_name=recipient_name)
        )


# --- Notification centre ----------------------------------------------------------------------------------
def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(*, user: User, ids: Iterable[int]) -> int:
    return Notification.objects.filter(user=user, pk__in=list(ids), read_at__isnull=True).update(read_at=timezone.now())


def mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def muted_pairs(user: User) -> set[tuple[str, str]]:
    return set(Preference.objects.filter(user=user).values_list("group", "channel"))


def mandatory_pairs() -> set[tuple[str, str]]:
    """(group, channel) pairs a technologist made mandatory: they cannot be muted."""
    pairs = set()
    for event, channel in EventAction.objects.filter(enabled=True, is_mandatory=True).values_list("event", "channel"):
        spec = catalogue.get_event(event)
        if spec is not None:
            pairs.add((spec.group, channel))
    return pairs


def set_mutes(*, user: User, muted: Iterable[tuple[str, str]]) -> None:
    """Replace the user's muted (group, channel) pairs; unknown groups and channels are ignored."""
    groups = {code for code, _label in catalogue.group_choices()}
    wanted = {(g, c) for g, c in muted if g in groups and c in channels.codes()}
    with transaction.atomic():
        Preference.objects.filter(user=user).delete()
        Preference.objects.bulk_create(Preference(user=user, group=g, channel=c) for g, c in sorted(wanted))

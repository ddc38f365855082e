"""Ticket operations. Each runs in one transaction, writes history and emits a domain event."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import events
from ..models import (
    OPEN_STATUSES,
    Agreement,
    Attachment,
    Comment,
    Contact,
    Employee,
    Priority,
    Service,
    Team,
    Ticket,
    TicketChannel,
    TicketHistory,
    TicketStatus,
    TicketType,
    TicketWatcher,
    User,
)
from . import sla
from .agreements import resolve_agreement
from .batch import TicketBatch, current_batch
from .history import actor_label, record
from .lifecycle import check_transition, ensure_changeable

# Stored names: "attachments/YYYY/MM/" + stem + Django's "_<7 random>" + extension < 100 characters.
_STORED_STEM = 50
_STORED_EXTENSION = 12


@dataclass(frozen=True)
class NewFile:
    """A file to attach: any Django `File` (an upload, or bytes wrapped in ContentFile)."""

    file: File
    filename: str
    content_type: str = "application/octet-stream"
    content_id: str = ""
    inline: bool = False
    # Already in default storage under this name (see `keep_attachment_file`): not written again.
    stored_name: str = ""


def _check_type_for_service(ticket_type: TicketType, service: Service | None, batch: TicketBatch | None = None) -> None:
    if service is None or (batch is not None and batch.type_checked(ticket_type, service)):
        return
    if not service.is_active:
        raise ValidationError({"service": _("The service “%(service)s” is not active.") % {"service": service}})
    if not service.ticket_types.filter(pk=ticket_type.pk).exists():
        raise ValidationError(
            {
                "type": _("A ticket of type “%(type)s” cannot be registered for the service “%(service)s”.")
                % {"type": ticket_type, "service": service}
            }
        )
    if batch is not None:
        batch.mark_type_checked(ticket_type, service)


def create_ticket(
    *,
    actor: User | None,
    ticket_type: TicketType,
    subject: str,
    description: str = "",
    service: Service | None = None,
    agreement: Agreement | None = None,
    requester_employee: Employee | None = None,
    requester_contact: Contact | None = None,
    requester_email: str = "",
    requester_name: str = "",
    responsible_employee: Employee | None = None,
    responsible_team: Team | None = None,
    priority: int = Priority.NORMAL,
    channel: str = TicketChannel.OPERATOR,
    files: Iterable[NewFile] = (),
) -> Ticket:
    """Register a ticket. Raises ValidationError (field-keyed) when a rule of seed 004 forbids it.

    Inside a `TicketBatch.item()` the batch's shared lookups and history queue are used (services/batch.py)."""
    batch = current_batch()
    subject = " ".join(subject.split())[:500]
    if not subject:
        raise ValidationError({"subject": _("A subject is required.")})
    if not (requester_employee or requester_contact or requester_email):
        raise ValidationError({"requester": _("Choose a requester or give an e-mail address.")})
    _check_type_for_service(ticket_type, service, batch)
    resolve = batch.resolve_agreement if batch is not None else resolve_agreement
    agreement = resolve(service=service, employee=requester_employee, contact=requester_contact, agreement=agreement)
    if service is not None and responsible_employee is None and responsible_team is None:
        responsible_employee = service.responsible_employee
        responsible_team = service.responsible_team
    now = timezone.now()
    write = batch.record if batch is not None else record
    # In a batch the caller's `batch.item()` is the savepoint; a second one would cost two round trips.
    with transaction.atomic(savepoint=batch is None):
        ticket = Ticket.objects.create(
            type=ticket_type,
            service=service,
            agreement=agreement,
            subject=subject,
            description=description,
            requester_employee=requester_employee,
            requester_contact=requester_contact,
            requester_email=requester_email or _person_email(requester_employee or requester_contact),
            requester_name=requester_name,
            responsible_employee=responsible_employee,
            responsible_team=responsible_team,
            priority=priority,
            channel=channel,
            created_by=actor,
            deadlines_pending=batch is not None,
            **sla.initial_clocks(
                agreement=agreement,
                ticket_type=ticket_type,
                service=service,
                priority=priority,
                requester_contact=requester_contact,
                now=now,
            ),
        )
        sla.start_clocks(ticket, now, deferred=batch is not None)
        write(ticket, actor, TicketHistory.Kind.CREATED, new_value=subject)
        for new_file in files:
            _store_attachment(ticket, actor, new_file, comment=None, write=write)
        events.emit(events.DomainEvent(events.TICKET_CREATED, ticket.pk, _uid(actor), {"channel": channel}))
    return ticket


def _person_email(person: Employee | Contact | None) -> str:
    return person.email if person is not None else ""


def _uid(actor: User | None) -> int | None:
    return actor.pk if actor is not None else None


def change_status(*, ticket: Ticket, actor: User | None, status: str, comment: str = "") -> Ticket:
    """Move the ticket along its lifecycle; a comment, when given, is added as a public one."""
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        old = locked.status
        if status == old:
            return locked
        if status not in locked.allowed_statuses():
            raise ValidationError(
                {
                    "status": _("A ticket cannot go from “%(old)s” to “%(new)s”.")
                    % {"old": TicketStatus(old).label, "new": TicketStatus(status).label}
                }
            )
        check_transition(locked, status, comment)
        now = timezone.now()
        locked.status = status
        fields = ["status", "updated_at"]
        reacted = status == TicketStatus.IN_PROGRESS and locked.reacted_at is None
        if reacted:
            locked.reacted_at = now
            fields.append("reacted_at")
        if status == TicketStatus.RESOLVED:
            locked.resolved_at, locked.solution = now, comment.strip()
            fields += ["resolved_at", "solution"]
        if status == TicketStatus.CLOSED:
            locked.closed_at = now
            fields.append("closed_at")
        if status == TicketStatus.RESUMED:
            locked.resolved_at = None
            fields.append("resolved_at")
        fields += sla.apply_status_change(locked, old=old, new=status, now=now)
        locked.save(update_fields=fields)
        if reacted:
            sla.note_reaction(locked, now)
        else:
            sla.deadlines_changed(sla.TICKETS, [locked])
        # Codes, not labels: the history is read in the reader's language, not the actor's.
        record(locked, actor, TicketHistory.Kind.STATUS, "status", old, status)
        if comment.strip():
            add_comment(ticket=locked, actor=actor, body=comment)
        events.emit(
            events.DomainEvent(events.TICKET_STATUS_CHANGED, locked.pk, _uid(actor), {"old": old, "new": status})
        )
    _refresh(ticket, locked)
    return locked


def assign_ticket(*, ticket: Ticket, actor: User | None, employee: Employee | None, team: Team | None) -> Ticket:
    """Set the responsible employee and/or team. An employee outside the team is refused."""
    if employee is not None and team is not None and not team.members.filter(pk=employee.pk).exists():
        raise ValidationError(
            {
                "responsible_employee": _("%(employee)s is not a member of the team “%(team)s”.")
                % {"employee": employee, "team": team}
            }
        )
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        ensure_changeable(locked)
        old = locked.responsible_display
        if (locked.responsible_employee_id, locked.responsible_team_id) == (_pk(employee), _pk(team)):
            return locked
        locked.responsible_employee = employee
        locked.responsible_team = team
        locked.save(update_fields=["responsible_employee", "responsible_team", "updated_at"])
        record(locked, actor, TicketHistory.Kind.ASSIGNED, "responsible", old, locked.responsible_display)
        events.emit(
            events.DomainEvent(
                events.TICKET_ASSIGNED, locked.pk, _uid(actor), {"employee_id": _pk(employee), "team_id": _pk(team)}
            )
        )
    _refresh(ticket, locked)
    return locked


def _pk(obj: object | None) -> int | None:
    return getattr(obj, "pk", None)


def change_priority(*, ticket: Ticket, actor: User | None, priority: int) -> Ticket:
    """Set the priority; the history keeps the codes, shown as labels in the reader's language."""
    if priority not in Priority.values:
        raise ValidationError({"priority": _("Choose a valid priority.")})
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        old = locked.priority
        if old == priority:
            return locked
        locked.priority = priority
        locked.save(update_fields=["priority", "updated_at"])
        record(locked, actor, TicketHistory.Kind.FIELD, "priority", str(old), str(priority))
        events.emit(
            events.DomainEvent(
                events.TICKET_PRIORITY_CHANGED, locked.pk, _uid(actor), {"old_priority": old, "new_priority": priority}
            )
        )
    _refresh(ticket, locked)
    return locked


def take_into_work(*, ticket: Ticket, actor: User) -> Ticket:
    """ "Take into work": the actor becomes responsible and the ticket goes In progress, in one step.

    The responsible team stays when the actor is one of its members; otherwise it is cleared, since
    an employee outside the team cannot be responsible within it (see `assign_ticket`)."""
    employee = Employee.objects.filter(user=actor).first()
    if employee is None:
        raise ValidationError(_("Only an employee can take a ticket into work."))
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if locked.status not in OPEN_STATUSES:
            raise ValidationError(
                {
                    "status": _("A ticket that is “%(status)s” cannot be taken into work.")
                    % {"status": locked.get_status_display()}
                }
            )
        team = locked.responsible_team
        if team is not None and not team.members.filter(pk=employee.pk).exists():
            team = None
        assign_ticket(ticket=locked, actor=actor, employee=employee, team=team)
        if locked.status != TicketStatus.IN_PROGRESS:
            change_status(ticket=locked, actor=actor, status=TicketStatus.IN_PROGRESS)
    _refresh(ticket, locked)
    return locked


def add_comment(
    *,
    ticket: Ticket,
    actor: User | None,
    body: str,
    is_private: bool = False,
    author_name: str = "",
    author_email: str = "",
    body_html: str = "",
    source: str = Comment.Source.WEB,
    files: Iterable[NewFile] = (),
) -> Comment:
    """Add a comment (and its files). A first public comment by staff counts as the reaction.

    Inside a `TicketBatch.item()` its history rows are queued on the batch (services/batch.py)."""
    batch = current_batch()
    if not body.strip() and not body_html.strip() and not files:
        raise ValidationError({"body": _("The comment is empty.")})
    write = batch.record if batch is not None else record
    with transaction.atomic(savepoint=batch is None):
        comment = Comment.objects.create(
            ticket=ticket,
            author=actor,
            author_name=author_name or actor_label(actor),
            author_email=author_email or (actor.email if actor else ""),
            body=body,
            body_html=body_html,
            is_private=is_private,
            source=source,
        )
        for new_file in files:
            _store_attachment(ticket, actor, new_file, comment=comment, write=write)
        if not is_private and actor is not None and hasattr(actor, "employee"):
            now = timezone.now()
            if Ticket.objects.filter(pk=ticket.pk, reacted_at__isnull=True).update(reacted_at=now):
                sla.note_reaction(ticket, now)
        Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
        field = "private_comment" if is_private else "comment"
        write(ticket, actor, TicketHistory.Kind.COMMENT, field, "", body[:200])
        events.emit(
            events.DomainEvent(
                events.COMMENT_ADDED,
                ticket.pk,
                _uid(actor),
                {"comment_id": comment.pk, "private": is_private, "source": source},
            )
        )
    return comment


def add_attachment(*, ticket: Ticket, actor: User | None, new_file: NewFile) -> Attachment:
    with transaction.atomic():
        attachment = _store_attachment(ticket, actor, new_file, comment=None)
        Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
    return attachment


def _store_attachment(
    ticket: Ticket,
    actor: User | None,
    new_file: NewFile,
    *,
    comment: Comment | None,
    write: Callable[..., TicketHistory] = record,
) -> Attachment:
    from django.conf import settings

    size = new_file.file.size or 0
    if size > settings.MAX_ATTACHMENT_SIZE:
        raise ValidationError(
            {
                "files": _("“%(name)s” is larger than the limit of %(limit)s MB.")
                % {"name": new_file.filename, "limit": settings.MAX_ATTACHMENT_SIZE // (1024 * 1024)}
            }
        )
    filename = _safe_filename(new_file.filename)
    attachment = Attachment(
        ticket=ticket,
        comment=comment,
        filename=filename,
        content_type=new_file.content_type[:255],
        size=size,
        content_id=new_file.content_id[:255],
        is_inline=new_file.inline,
        uploaded_by=actor,
    )
    if new_file.stored_name:
        attachment.file.name = new_file.stored_name
    else:
        attachment.file.save(_storage_name(filename), new_file.file, save=False)
    attachment.save()
    write(ticket, actor, TicketHistory.Kind.ATTACHMENT, "attachment", "", filename)
    events.emit(events.DomainEvent(events.ATTACHMENT_ADDED, ticket.pk, _uid(actor), {"attachment_id": attachment.pk}))
    return attachment


def keep_attachment_file(filename: str, payload: bytes) -> str:
    """Store a file where an attachment named `filename` would be stored; returns its storage name.

    For callers that keep files before the transaction that creates their rows (mail intake
    writes them in its parse helper process while the poller records the previous chunk):
    `NewFile(stored_name=...)` then makes the row without writing the file again. A file whose
    row is never created is the caller's to delete.
    """
    field = Attachment._meta.get_field("file")
    name = field.generate_filename(Attachment(), _storage_name(_safe_filename(filename)))
    return field.storage.save(name, ContentFile(payload), max_length=field.max_length)


def _safe_filename(name: str) -> str:
    """A file name without directories or control characters, never empty."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip(" .") or "attachment"
    if len(name) <= 200:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > 20:
        return name[:200]
    return f"{stem[: 200 - len(suffix) - 1]}.{suffix}"  # shorten the stem, keep the extension


def _storage_name(filename: str) -> str:
    """The name in storage; the row keeps the full one for display. The FileField path holds 100
    characters and Django shortens only the stem, so "a.<150 characters>" (mail from a hostile
    or broken client) failed the whole ticket: a long "extension" is kept as part of the stem."""
    stem, ext = os.path.splitext(filename)
    if len(ext) > _STORED_EXTENSION:
        stem, ext = filename, ""
    return (stem[:_STORED_STEM].strip() or "attachment") + ext


def add_watcher(
    *,
    ticket: Ticket,
    actor: User | None,
    employee: Employee | None = None,
    contact: Contact | None = None,
    email: str = "",
) -> TicketWatcher:
    if not (employee or contact or email):
        raise ValidationError({"watcher": _("Choose a person or give an e-mail address.")})
    with transaction.atomic():
        lookup = (
            {"employee": employee}
            if employee
            else {"contact": contact}
            if contact
            else {"email": email.strip().lower(), "employee": None, "contact": None}
        )
        watcher, created = TicketWatcher.objects.get_or_create(ticket=ticket, **lookup)
        if created:
            record(ticket, actor, TicketHistory.Kind.WATCHER, "watcher", "", str(watcher))
            events.emit(events.DomainEvent(events.WATCHER_ADDED, ticket.pk, _uid(actor), {"watcher_id": watcher.pk}))
    return watcher


def remove_watcher(*, ticket: Ticket, actor: User | None, watcher: TicketWatcher) -> None:
    with transaction.atomic():
        label = str(watcher)
        watcher.delete()
        record(ticket, actor, TicketHistory.Kind.WATCHER, "watcher", label, "")


def _refresh(target: Ticket, source: Ticket) -> None:
    """Let the caller's instance reflect what was saved on the locked copy."""
    target.__dict__.update({k: v for k, v in source.__dict__.items() if not k.startswith("_")})

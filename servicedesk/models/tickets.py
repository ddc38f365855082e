"""Tickets, their comments, attachments, watchers and history."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .catalog import Agreement, Service, TicketType
from .clients import Contact
from .org import Employee, Team


class TicketStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    RESUMED = "resumed", _("Resumed")
    CANCELLED = "cancelled", _("Cancelled")


# Allowed lifecycle transitions. Closed and cancelled are final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    TicketStatus.NEW: (TicketStatus.IN_PROGRESS, TicketStatus.WAITING, TicketStatus.RESOLVED, TicketStatus.CANCELLED),
    TicketStatus.IN_PROGRESS: (TicketStatus.WAITING, TicketStatus.RESOLVED, TicketStatus.CANCELLED),
    TicketStatus.WAITING: (TicketStatus.IN_PROGRESS, TicketStatus.RESOLVED, TicketStatus.CANCELLED),
    TicketStatus.RESOLVED: (TicketStatus.CLOSED, TicketStatus.RESUMED),
    TicketStatus.RESUMED: (
        TicketStatus.IN_PROGRESS,
        TicketStatus.WAITING,
        TicketStatus.RESOLVED,
        TicketStatus.CANCELLED,
    ),
    TicketStatus.CLOSED: (),
    TicketStatus.CANCELLED: (),
}
OPEN_STATUSES = (TicketStatus.NEW, TicketStatus.IN_PROGRESS, TicketStatus.WAITING, TicketStatus.RESUMED)
# Seed 004: "execution time = time in New, In progress and Resumed"; the clock stops in the others.
COUNTED_STATUSES = (TicketStatus.NEW, TicketStatus.IN_PROGRESS, TicketStatus.RESUMED)
FINAL_STATUSES = (TicketStatus.CLOSED, TicketStatus.CANCELLED)


class Priority(models.IntegerChoices):
    CRITICAL = 1, _("Critical")
    HIGH = 2, _("High")
    NORMAL = 3, _("Normal")
    LOW = 4, _("Low")


class TicketChannel(models.TextChoices):
    OPERATOR = "operator", _("Operator")
    EMAIL = "email", _("E-mail")
    PORTAL = "portal", _("Client portal")
    PHONE = "phone", _("Phone")


class Ticket(models.Model):
    type = models.ForeignKey(TicketType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="tickets")
    service = models.ForeignKey(
        Service, verbose_name=_("service"), null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.PROTECT, related_name="tickets"
    )
    subject = models.CharField(_("subject"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    requester_employee = models.ForeignKey(
        Employee,
        verbose_name=_("requester (employee)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requested_tickets",
    )
    requester_contact = models.ForeignKey(
        Contact,
        verbose_name=_("requester (contact)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requested_tickets",
    )
    requester_email = models.EmailField(_("requester e-mail"), blank=True, db_index=True)
    requester_name = models.CharField(_("requester name"), max_length=255, blank=True)
    responsible_employee = models.ForeignKey(
        Employee,
        verbose_name=_("responsible"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_tickets",
    )
    responsible_team = models.ForeignKey(
        Team,
        verbose_name=_("responsible team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=16, choices=TicketStatus.choices, default=TicketStatus.NEW)
    channel = models.CharField(
        _("channel"), max_length=16, choices=TicketChannel.choices, default=TicketChannel.OPERATOR
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    reaction_deadline = models.DateTimeField(_("reaction deadline"), null=True, blank=True)
    resolution_deadline = models.DateTimeField(_("resolution deadline"), null=True, blank=True)
    reacted_at = models.DateTimeField(_("reacted"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    solution = models.TextField(_("solution"), blank=True)
    # SLA clocks (servicedesk/services/sla.py): the targets in working time and the rules that gave
    # them; the working time counted in finished periods and the start of the running one (null
    # while the clock is stopped, and then resolution_deadline is null too).
    reaction_target = models.DurationField(_("reaction time"), null=True, blank=True)
    resolution_target = models.DurationField(_("resolution time"), null=True, blank=True)
    reaction_rule = models.ForeignKey(
        "SlaRule", verbose_name=_("reaction rule"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution_rule = models.ForeignKey(
        "SlaRule",
        verbose_name=_("resolution rule"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution_spent = models.DurationField(_("resolution time spent"), default=dt.timedelta)
    sla_running_since = models.DateTimeField(_("resolution clock running since"), null=True, blank=True)
    # Filed in bulk (mail intake): deadline listeners have not seen it yet; escalation takes it up.
    deadlines_pending = models.BooleanField(_("deadlines not yet followed"), default=False, editable=False)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "-id"], name="ticket_status_id"),
            models.Index(fields=["responsible_employee", "status"], name="ticket_resp_status"),
            models.Index(fields=["responsible_team", "status"], name="ticket_team_status"),
            models.Index(
                fields=["resolution_deadline"], name="ticket_resolution_due", condition=Q(resolved_at__isnull=True)
            ),
            models.Index(
                fields=["reaction_deadline"], name="ticket_reaction_due", condition=Q(reacted_at__isnull=True)
            ),
            models.Index(fields=["id"], name="ticket_deadlines_pending", condition=Q(deadlines_pending=True)),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def number(self) -> int:
        """The ticket number shown to people and used in the mail subject tag `[#N]`."""
        return self.pk

    @property
    def requester_display(self) -> str:
        person = self.requester_employee or self.requester_contact
        if person is not None:
            return person.full_name
        return self.requester_name or self.requester_email

    @property
    def responsible_display(self) -> str:
        parts = [str(x) for x in (self.responsible_employee, self.responsible_team) if x is not None]
        return " / ".join(parts)

    def allowed_statuses(self) -> tuple[str, ...]:
        return TRANSITIONS.get(self.status, ())

    @property
    def is_final(self) -> bool:
        """Closed or cancelled: the ticket accepts no changes any more."""
        return self.status in FINAL_STATUSES


class Comment(models.Model):
    class Source(models.TextChoices):
        WEB = "web", _("Web")
        EMAIL = "email", _("E-mail")
        SYSTEM = "system", _("System")

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_name = models.CharField(_("author name"), max_length=255, blank=True)
    author_email = models.EmailField(_("author e-mail"), blank=True)
    body = models.TextField(_("text"))
    body_html = models.TextField(_("sanitised HTML"), blank=True)
    is_private = models.BooleanField(_("private"), default=False)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.WEB)
    created_at = models.DateTimeField(_("added"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="comment_ticket_at")]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.body[:40]}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="attachments")
    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=255, default="application/octet-stream")
    size = models.PositiveBigIntegerField(_("size"), default=0)
    content_id = models.CharField(
        _("content id"), max_length=255, blank=True, help_text=_("For inline images in mail.")
    )
    is_inline = models.BooleanField(_("inline"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class TicketWatcher(models.Model):
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="watchers")
    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("watcher")
        verbose_name_plural = _("watchers")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "employee"], condition=Q(employee__isnull=False), name="watcher_unique_employee"
            ),
            models.UniqueConstraint(
                fields=["ticket", "contact"], condition=Q(contact__isnull=False), name="watcher_unique_contact"
            ),
            models.UniqueConstraint(
                fields=["ticket", "email"],
                condition=Q(employee__isnull=True, contact__isnull=True),
                name="watcher_unique_email",
            ),
        ]

    def __str__(self) -> str:
        return str(self.employee or self.contact or self.email)

    @property
    def address(self) -> str:
        person = self.employee or self.contact
        return (person.email if person else "") or self.email


class TicketHistory(models.Model):
    class Kind(models.TextChoices):
        CREATED = "created", _("Registered")
        STATUS = "status", _("Status changed")
        ASSIGNED = "assigned", _("Responsible changed")
        FIELD = "field", _("Field changed")
        COMMENT = "comment", _("Comment added")
        ATTACHMENT = "attachment", _("Attachment added")
        WATCHER = "watcher", _("Watcher changed")
        TASK = "task", _("Task")
        APPROVAL = "approval", _("Approval")

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("who (name)"), max_length=255, blank=True)
    kind = models.CharField(_("what"), max_length=16, choices=Kind.choices)
    field = models.CharField(_("field"), max_length=64, blank=True)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)

    class Meta:
        verbose_name = _("history record")
        verbose_name_plural = _("history")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ticket", "at"], name="history_ticket_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.field}"

"""Work items on a ticket: tasks and approvals (with their deadlines in working time)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .org import Employee, Team


class TaskStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class TicketTask(models.Model):
    """A small work item on a ticket; an open mandatory one keeps the ticket from being resolved."""

    ticket = models.ForeignKey("Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    responsible_employee = models.ForeignKey(
        Employee,
        verbose_name=_("responsible employee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    responsible_team = models.ForeignKey(
        Team, verbose_name=_("responsible team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    is_mandatory = models.BooleanField(
        _("mandatory"), default=False, help_text=_("The ticket cannot be resolved while this task is open.")
    )
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    work_time = models.DurationField(_("time for the task, working"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    closed_at = models.DateTimeField(_("finished"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finished by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["responsible_employee", "status"], name="task_resp_status"),
            models.Index(fields=["responsible_team", "status"], name="task_team_status"),
            models.Index(fields=["ticket", "status"], name="task_ticket_status"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN

    @property
    def responsible_display(self) -> str:
        return " / ".join(str(x) for x in (self.responsible_employee, self.responsible_team) if x is not None)


class ApprovalMode(models.TextChoices):
    ALL = "all", _("all approvers must agree")
    ANY = "any", _("one approver is enough")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("awaiting decision")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    CANCELLED = "cancelled", _("cancelled")


class Approval(models.Model):
    ticket = models.ForeignKey("Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="approvals")
    subject = models.CharField(_("what to approve"), max_length=300)
    description = models.TextField(_("details"), blank=True)
    mode = models.CharField(_("decision rule"), max_length=4, choices=ApprovalMode.choices, default=ApprovalMode.ALL)
    status = models.CharField(
        _("status"), max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    work_time = models.DurationField(_("time for the decision, working"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "status"], name="approval_ticket_status")]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_pending(self) -> bool:
        return self.status == ApprovalStatus.PENDING


class Vote(models.TextChoices):
    PENDING = "pending", _("not decided yet")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class ApprovalVote(models.Model):
    """One approver of an approval and the decision they gave."""

    approval = models.ForeignKey(Approval, verbose_name=_("approval"), on_delete=models.CASCADE, related_name="votes")
    approver = models.ForeignKey(Employee, verbose_name=_("approver"), on_delete=models.PROTECT, related_name="votes")
    decision = models.CharField(_("decision"), max_length=10, choices=Vote.choices, default=Vote.PENDING)
    comment = models.TextField(_("comment"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("approver")
        verbose_name_plural = _("approvers")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["approval", "approver"], name="vote_unique_approver")]
        indexes = [
            models.Index(fields=["approver"], name="vote_pending", condition=Q(decision="pending")),
        ]

    def __str__(self) -> str:
        return f"{self.approver}: {self.get_decision_display()}"

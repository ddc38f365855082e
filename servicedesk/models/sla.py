"""SLA rules of agreements and the bookkeeping of ticket clocks (seed 004, step 5).

An agreement holds ordered reaction-time and resolution-time rules; the first rule whose
conditions match the ticket gives its time, otherwise the agreement's default. The resolution
clock counts only while the ticket is New, In progress or Resumed: each such stretch is a
`TicketClockPeriod`, so the time already spent can be measured again under another schedule when
the ticket is reclassified, and every deadline can be explained. A deadline missed is an
`SlaBreach` row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .catalog import Agreement, Service, TicketType, TimeUnit, working_duration
from .clients import Company


class ClockKind(models.TextChoices):
    REACTION = "reaction", _("reaction")
    RESOLUTION = "resolution", _("resolution")


class SlaRule(models.Model):
    """One row of "SLA rules → reaction time / resolution time" of an agreement."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="sla_rules"
    )
    kind = models.CharField(_("clock"), max_length=10, choices=ClockKind.choices)
    position = models.PositiveIntegerField(_("order"), default=0, help_text=_("Rules are tried in this order."))
    ticket_types = models.ManyToManyField(TicketType, verbose_name=_("ticket types"), blank=True, related_name="+")
    services = models.ManyToManyField(Service, verbose_name=_("services"), blank=True, related_name="+")
    priorities = models.JSONField(_("priorities"), default=list, blank=True)
    companies = models.ManyToManyField(
        Company,
        verbose_name=_("companies"),
        blank=True,
        related_name="+",
        help_text=_("The requester's company or a company above it."),
    )
    amount = models.DecimalField(_("time"), max_digits=9, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=8, choices=TimeUnit.choices, default=TimeUnit.HOURS)

    class Meta:
        verbose_name = _("SLA rule")
        verbose_name_plural = _("SLA rules")
        ordering = ["agreement", "kind", "position", "pk"]
        indexes = [models.Index(fields=["agreement", "kind", "position"], name="slarule_order")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.position}: {self.amount} {self.get_unit_display()}"

    @property
    def duration(self) -> dt.timedelta:
        return working_duration(self.amount, self.unit)

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        Agreement.objects.filter(pk=self.agreement_id).update(updated_at=timezone.now())

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        agreement_id = self.agreement_id
        result = super().delete(*args, **kwargs)
        Agreement.objects.filter(pk=agreement_id).update(updated_at=timezone.now())
        return result


class TicketClockPeriod(models.Model):
    """A stretch of a ticket's life in one status; `counted` ones (New, In progress, Resumed) make
    up the time spent on resolution, the others are the pauses."""

    ticket = models.ForeignKey(
        "Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="clock_periods"
    )
    status = models.CharField(_("status"), max_length=16)
    counted = models.BooleanField(_("counted"), default=True)
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("counted period")
        verbose_name_plural = _("counted periods")
        ordering = ["started_at", "pk"]
        indexes = [models.Index(fields=["ticket", "started_at"], name="clockperiod_ticket")]

    def __str__(self) -> str:
        return f"{self.status}: {self.started_at:%Y-%m-%d %H:%M} – {self.ended_at or '…'}"


class SlaBreach(models.Model):
    """A missed deadline: when it passed and by how much the clock went over when it stopped."""

    ticket = models.ForeignKey("Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="breaches")
    kind = models.CharField(_("clock"), max_length=10, choices=ClockKind.choices)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    met_at = models.DateTimeField(_("clock stopped"))
    overdue = models.DurationField(_("late by, working time"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("SLA breach")
        verbose_name_plural = _("SLA breaches")
        ordering = ["-met_at"]
        constraints = [models.UniqueConstraint(fields=["ticket", "kind"], name="slabreach_unique_clock")]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.kind}: {self.overdue}"

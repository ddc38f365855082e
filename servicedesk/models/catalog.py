"""Service catalogue, schedules and agreements (seed 004, steps 4 and 5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import LocalizedName
from .clients import Company, Contact
from .org import Department, Employee, Team


class TimeUnit(models.TextChoices):
    """Units of SLA times. A day is 24 working hours (seed 004), not a calendar or working day."""

    MINUTES = "minutes", _("minutes")
    HOURS = "hours", _("hours")
    DAYS = "days", _("days (24 working hours each)")


UNIT_SECONDS = {TimeUnit.MINUTES: 60, TimeUnit.HOURS: 3600, TimeUnit.DAYS: 24 * 3600}


def working_duration(amount: Decimal | float | int, unit: str) -> dt.timedelta:
    """An SLA time as working time: `amount` of `unit`, a day being 24 working hours."""
    return dt.timedelta(seconds=float(Decimal(str(amount)) * UNIT_SECONDS[TimeUnit(unit)]))


class TicketType(LocalizedName):
    """Incident, service request, appeal; technologists may add more."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("ticket type")
        verbose_name_plural = _("ticket types")
        ordering = ["pk"]


class ServiceSchedule(LocalizedName):
    """Working hours of support, e.g. 8x5 (09:00–19:00 Mon–Fri with a break) or 24x7.

    `intervals` maps ISO weekday numbers ("1" = Monday) to lists of ["HH:MM", "HH:MM"] pairs; the
    technologist edits them as hours and breaks per weekday (servicedesk/forms/schedules.py).
    Dated exceptions come from `calendar`. `updated_at` also moves when the calendar changes, so
    it is the key of the compiled working time cached in every process (servicedesk/worktime).
    """

    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Moscow")
    around_the_clock = models.BooleanField(_("24×7"), default=False)
    intervals = models.JSONField(_("working intervals"), default=dict, blank=True)
    calendar = models.ForeignKey(
        "HolidayCalendar",
        verbose_name=_("production calendar"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="schedules",
        help_text=_("Holidays, days off and working days moved by decree, shortened pre-holiday days."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("service schedule")
        verbose_name_plural = _("service schedules")


class Service(LocalizedName):
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent service"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)
    ticket_types = models.ManyToManyField(
        TicketType,
        verbose_name=_("ticket types"),
        blank=True,
        related_name="services",
        help_text=_("Types a ticket for this service may have. With none, no ticket can be registered."),
    )
    responsible_employee = models.ForeignKey(
        Employee,
        verbose_name=_("responsible employee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_services",
    )
    responsible_team = models.ForeignKey(
        Team,
        verbose_name=_("responsible team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_services",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]

    def clean(self) -> None:
        super().clean()
        node, seen = self.parent, set()
        while node is not None and node.pk not in seen:
            if self.pk is not None and node.pk == self.pk:
                raise ValidationError(
                    {"parent": _("A service cannot be placed inside itself or one of its sub-services.")}
                )
            seen.add(node.pk)
            node = node.parent


class Agreement(LocalizedName):
    """An agreement (SLA) between recipients and the service provider.

    The base agreement always exists and cannot be deleted; it is offered to everybody,
    including senders who are not registered (seed 004).
    """

    is_base = models.BooleanField(_("base agreement"), default=False, editable=False)
    description = models.TextField(_("description"), blank=True)
    services = models.ManyToManyField(Service, verbose_name=_("services"), blank=True, related_name="agreements")
    employees = models.ManyToManyField(
        Employee, verbose_name=_("recipient employees"), blank=True, related_name="agreements"
    )
    departments = models.ManyToManyField(
        Department, verbose_name=_("recipient departments"), blank=True, related_name="agreements"
    )
    companies = models.ManyToManyField(
        Company, verbose_name=_("recipient companies"), blank=True, related_name="agreements"
    )
    contacts = models.ManyToManyField(
        Contact, verbose_name=_("recipient contacts"), blank=True, related_name="agreements"
    )
    spread_over_org = models.BooleanField(
        _("spread over org structure"),
        default=False,
        help_text=_("Everybody inside the recipient departments and companies, nested ones included, gets it."),
    )
    schedule = models.ForeignKey(
        ServiceSchedule,
        verbose_name=_("service schedule"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    reaction_amount = models.DecimalField(_("reaction time"), max_digits=9, decimal_places=2, default=8)
    reaction_unit = models.CharField(_("unit"), max_length=8, choices=TimeUnit.choices, default=TimeUnit.HOURS)
    resolution_amount = models.DecimalField(_("resolution time"), max_digits=9, decimal_places=2, default=8)
    resolution_unit = models.CharField(_("unit"), max_length=8, choices=TimeUnit.choices, default=TimeUnit.HOURS)
    is_active = models.BooleanField(_("active"), default=True)
    # Moves with every change of the agreement or of its SLA rules: the key of the rules cached per process.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-is_base", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_base"], condition=Q(is_base=True), name="single_base_agreement"),
        ]

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.is_base:
            raise ValidationError(_("The base agreement cannot be deleted."))
        return super().delete(*args, **kwargs)

    @property
    def reaction_time(self) -> dt.timedelta:
        return working_duration(self.reaction_amount, self.reaction_unit)

    @property
    def resolution_time(self) -> dt.timedelta:
        return working_duration(self.resolution_amount, self.resolution_unit)

    @property
    def resolution_label(self) -> str:
        """The default resolution time as the form shows it, e.g. "8 hours"."""
        amount = Decimal(str(self.resolution_amount)).normalize()
        return f"{amount:f} {TimeUnit(self.resolution_unit).label}"

    @classmethod
    def base(cls) -> Agreement:
        """The base agreement, created on first use if a migration or an admin removed its row."""
        obj, _created = cls.objects.get_or_create(
            is_base=True, defaults={"name": "Базовое соглашение", "name_en": "Base agreement"}
        )
        return obj

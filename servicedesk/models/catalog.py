"""Service catalogue, schedules and agreements (seed 004, steps 4 and 5)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import LocalizedName
from .clients import Company, Contact
from .org import Department, Employee, Team


class TicketType(LocalizedName):
    """Incident, service request, appeal; technologists may add more."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("ticket type")
        verbose_name_plural = _("ticket types")
        ordering = ["pk"]


class ServiceSchedule(LocalizedName):
    """Working hours of support, e.g. 8x5 (09:00–18:00 Mon–Fri) or 24x7.

    `intervals` maps ISO weekday numbers ("1" = Monday) to lists of ["HH:MM", "HH:MM"] pairs.
    """

    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Moscow")
    around_the_clock = models.BooleanField(_("24×7"), default=False)
    intervals = models.JSONField(_("working intervals"), default=dict, blank=True)

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
    reaction_hours = models.DecimalField(_("reaction time, working hours"), max_digits=7, decimal_places=2, default=8)
    resolution_hours = models.DecimalField(
        _("resolution time, working hours"), max_digits=7, decimal_places=2, default=8
    )
    is_active = models.BooleanField(_("active"), default=True)

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

    @classmethod
    def base(cls) -> Agreement:
        """The base agreement, created on first use if a migration or an admin removed its row."""
        obj, _created = cls.objects.get_or_create(
            is_base=True, defaults={"name": "Базовое соглашение", "name_en": "Base agreement"}
        )
        return obj

"""Production calendars: dated exceptions to the weekly working hours of service schedules.

A calendar holds public holidays, days off and working days moved by decree, and shortened
pre-holiday days. The Russian production calendar ships for the current and the next year
(servicedesk/worktime/russia.py); any calendar can be generated for a country and year with the
`holidays` package or imported from an iCalendar file, and every day stays editable: the
installation's own rows are its overrides.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..worktime.engine import DayKind
from .base import LocalizedName


class Weekday(models.IntegerChoices):
    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")


class HolidayCalendar(LocalizedName):
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        help_text=_("ISO code (RU, KZ, DE, …) used to generate the holidays of a year."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Years whose shipped data was installed once; they are not installed again, so an edited or
    # deleted day stays as the installation left it.
    shipped_years = models.JSONField(_("installed years"), default=list, blank=True, editable=False)

    class Meta:
        verbose_name = _("production calendar")
        verbose_name_plural = _("production calendars")
        ordering = ["name"]

    def touch(self) -> None:
        """Tell every process that compiled working time from this calendar to compile it again."""
        touch_calendar(self.pk)


def touch_calendar(calendar_id: int) -> None:
    from .catalog import ServiceSchedule

    now = timezone.now()
    HolidayCalendar.objects.filter(pk=calendar_id).update(updated_at=now)
    ServiceSchedule.objects.filter(calendar_id=calendar_id).update(updated_at=now)


class CalendarDay(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = DayKind.HOLIDAY, _("public holiday")
        DAY_OFF = DayKind.DAY_OFF, _("moved day off")
        WORKDAY = DayKind.WORKDAY, _("moved working day")
        SHORT = DayKind.SHORT, _("shortened pre-holiday day")

    class Source(models.TextChoices):
        SHIPPED = "shipped", _("shipped with the product")
        GENERATED = "generated", _("generated with the holidays package")
        IMPORTED = "imported", _("imported from iCalendar")
        MANUAL = "manual", _("entered by hand")

    calendar = models.ForeignKey(
        HolidayCalendar, verbose_name=_("production calendar"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    like_weekday = models.PositiveSmallIntegerField(
        _("works like"),
        choices=Weekday.choices,
        null=True,
        blank=True,
        help_text=_("For a moved working day: whose hours apply (empty: Monday's)."),
    )
    shorten_minutes = models.PositiveSmallIntegerField(
        _("shortened by, minutes"),
        default=0,
        help_text=_("A pre-holiday day is one hour shorter (60); also for a moved working day before a holiday."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="calendarday_unique_date")]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.get_kind_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.kind == DayKind.SHORT and not self.shorten_minutes:
            self.shorten_minutes = 60
        super().save(*args, **kwargs)
        touch_calendar(self.calendar_id)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        calendar_id = self.calendar_id
        result = super().delete(*args, **kwargs)
        touch_calendar(calendar_id)
        return result

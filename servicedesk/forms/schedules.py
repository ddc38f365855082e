"""The service schedule edited as a schedule: working hours and breaks per weekday, not JSON.

Each weekday has "hours" ("09:00–19:00"; empty: a day off) and "breaks" ("13:00–14:00", several
separated by commas); they are stored as the working intervals left once the breaks are cut out.
"""

from __future__ import annotations

import re
import zoneinfo
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import ServiceSchedule, Weekday
from ..worktime.calendars import format_clock, parse_clock

_RANGE = re.compile(r"^\s*(\d{1,2}:\d{2}(?::\d{2})?)\s*[-–—]\s*(\d{1,2}:\d{2}(?::\d{2})?)\s*$")


def parse_range(text: str) -> tuple[int, int]:
    match = _RANGE.match(text)
    if not match:
        raise ValidationError(_("Write a time range like 09:00–18:00."))
    try:
        start, end = parse_clock(match.group(1)), parse_clock(match.group(2))
    except ValueError as exc:
        raise ValidationError(_("Not a time of day: %(text)s") % {"text": text.strip()}) from exc
    if end <= start:
        raise ValidationError(_("The end must be later than the start: %(text)s") % {"text": text.strip()})
    return start, end


def cut_breaks(hours: tuple[int, int], breaks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    pieces = [hours]
    for start, end in sorted(breaks):
        if not (hours[0] < start and end < hours[1]):
            raise ValidationError(_("A break must lie inside the working hours."))
        pieces = [part for a, b in pieces for part in ((a, min(b, start)), (max(a, end), b)) if part[1] > part[0]]
    return pieces


def split_intervals(pairs: list[list[str]]) -> tuple[str, str]:
    """Stored intervals back into the editor's hours and breaks."""
    seconds = sorted((parse_clock(a), parse_clock(b)) for a, b in pairs)
    if not seconds:
        return "", ""
    hours = f"{format_clock(seconds[0][0])}–{format_clock(seconds[-1][1])}"
    gaps = [f"{format_clock(seconds[i][1])}–{format_clock(seconds[i + 1][0])}" for i in range(len(seconds) - 1)]
    return hours, ", ".join(gaps)


def zone_choices() -> list[tuple[str, str]]:
    return [(zone, zone) for zone in sorted(zoneinfo.available_timezones()) if "/" in zone or zone == "UTC"]


def _week_fields() -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    for day in Weekday:
        fields[f"hours_{day.value}"] = forms.CharField(
            label=day.label, required=False, widget=forms.TextInput(attrs={"placeholder": "09:00–18:00"})
        )
        fields[f"breaks_{day.value}"] = forms.CharField(
            label=_("Breaks"), required=False, widget=forms.TextInput(attrs={"placeholder": "13:00–14:00"})
        )
    return fields


class _ScheduleForm(forms.ModelForm):
    timezone = forms.ChoiceField(label=_("Time zone"), choices=zone_choices)

    class Meta:
        model = ServiceSchedule
        fields = ("name", "name_en", "timezone", "around_the_clock", "calendar")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stored = self.instance.intervals or {}
        for day in Weekday:
            hours, breaks = split_intervals(stored.get(str(day.value)) or [])
            self.fields[f"hours_{day.value}"].initial = hours
            self.fields[f"breaks_{day.value}"].initial = breaks

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        week: dict[str, list[list[str]]] = {}
        for day in Weekday:
            hours_text = (data.get(f"hours_{day.value}") or "").strip()
            breaks_text = (data.get(f"breaks_{day.value}") or "").strip()
            if not hours_text:
                if breaks_text:
                    self.add_error(f"breaks_{day.value}", _("A day off has no breaks."))
                continue
            try:
                hours = parse_range(hours_text)
                breaks = [parse_range(part) for part in breaks_text.split(",") if part.strip()]
                pieces = cut_breaks(hours, breaks)
            except ValidationError as error:
                self.add_error(f"hours_{day.value}" if not breaks_text else f"breaks_{day.value}", error)
                continue
            week[str(day.value)] = [[format_clock(a), format_clock(b)] for a, b in pieces]
        if not data.get("around_the_clock") and not week and not self.errors:
            self.add_error("hours_1", _("Give working hours for at least one day, or mark the schedule 24×7."))
        self.instance.intervals = {} if data.get("around_the_clock") else week
        return data


# The weekday fields are declared on the class (the admin's fieldsets need them there).
ScheduleForm = type("ScheduleForm", (_ScheduleForm,), {"__module__": __name__, **_week_fields()})

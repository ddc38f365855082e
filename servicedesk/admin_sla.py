"""Technologist interface for working time and SLA: service schedules edited as schedules,
production calendars (generated with the holidays package, imported from iCalendar, edited day
by day), and agreements with their ordered reaction and resolution rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .forms.schedules import ScheduleForm
from .forms.widgets import AdminFileInput
from .models import Agreement, CalendarDay, HolidayCalendar, Priority, ServiceSchedule, SlaRule
from .services.sla_view import day_explained
from .worktime.calendars import working_time
from .worktime.sources import CalendarSourceError, export_ics, generate, parse_ics, store_days

WEEK_FIELDS = tuple((f"hours_{d}", f"breaks_{d}") for d in range(1, 8))


@admin.register(ServiceSchedule)
class ServiceScheduleAdmin(admin.ModelAdmin):
    form = ScheduleForm
    list_display = ("name", "timezone", "around_the_clock", "calendar", "weekly_hours")
    list_select_related = ("calendar",)
    fieldsets = (
        (None, {"fields": ("name", "name_en", "timezone", "around_the_clock", "calendar")}),
        (_("Working hours and breaks"), {"fields": WEEK_FIELDS, "description": _("Empty hours: a day off.")}),
    )

    @admin.display(description=_("working hours a week"))
    def weekly_hours(self, obj: ServiceSchedule) -> str:
        if obj.around_the_clock:
            return "168"
        clock = working_time(obj)
        return f"{sum(sum(b - a for a, b in clock.week[d]) for d in range(1, 8)) / 3600:g}"


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    fields = ("date", "kind", "like_weekday", "shorten_minutes", "note", "source")
    readonly_fields = ("source",)
    extra = 0
    ordering = ("-date",)


class GenerateForm(forms.Form):
    country = forms.CharField(
        label=_("country"), max_length=2, initial="RU", help_text=_("ISO code: RU, KZ, BY, DE, …")
    )
    year = forms.IntegerField(label=_("year"), min_value=1990, max_value=2100, initial=dt.date.today().year + 1)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("iCalendar file (.ics)"), widget=AdminFileInput)


@admin.register(HolidayCalendar)
class HolidayCalendarAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "days_count", "tools")
    fields = ("name", "name_en", "country")
    inlines = [CalendarDayInline]

    @admin.display(description=_("days"))
    def days_count(self, obj: HolidayCalendar) -> int:
        return obj.days.count()

    @admin.display(description="")
    def tools(self, obj: HolidayCalendar) -> Any:
        return format_html(
            '<a class="button" href="{}">{}</a> <a class="button" href="{}">{}</a> <a class="button" href="{}">{}</a>',
            reverse("admin:servicedesk_holidaycalendar_generate", args=[obj.pk]),
            gettext("Generate a year"),
            reverse("admin:servicedesk_holidaycalendar_import", args=[obj.pk]),
            gettext("Import iCalendar"),
            reverse("admin:servicedesk_holidaycalendar_export", args=[obj.pk]),
            gettext("Export iCalendar"),
        )

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/generate/", wrap(self.generate_view), name="servicedesk_holidaycalendar_generate"),
            path("<int:pk>/import/", wrap(self.import_view), name="servicedesk_holidaycalendar_import"),
            path("<int:pk>/export/", wrap(self.export_view), name="servicedesk_holidaycalendar_export"),
            *super().get_urls(),
        ]

    def _tool(self, request: HttpRequest, pk: int, form_class: type[forms.Form], title: str, run: Any) -> HttpResponse:
        calendar = get_object_or_404(HolidayCalendar, pk=pk)
        if not self.has_change_permission(request, calendar):
            return HttpResponse(status=403)
        form = form_class(request.POST or None, request.FILES or None, initial={"country": calendar.country or "RU"})
        if request.method == "POST" and form.is_valid():
            try:
                created, updated = run(calendar, form.cleaned_data)
            except CalendarSourceError as error:
                form.add_error(None, str(error))
            else:
                message = gettext("Days added: %(created)d, changed: %(updated)d.") % {
                    "created": created,
                    "updated": updated,
                }
                self.message_user(request, message, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:servicedesk_holidaycalendar_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": calendar,
            "title": title,
            "form": form,
        }
        return TemplateResponse(request, "servicedesk/admin/calendar_tool.html", context)

    def generate_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        def run(calendar: HolidayCalendar, data: dict) -> tuple[int, int]:
            return store_days(calendar, generate(data["country"], data["year"]), source=CalendarDay.Source.GENERATED)

        return self._tool(request, pk, GenerateForm, gettext("Generate a year with the holidays package"), run)

    def import_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        def run(calendar: HolidayCalendar, data: dict) -> tuple[int, int]:
            upload = data["file"]
            if upload.size > 2 * 1024 * 1024:
                raise CalendarSourceError(gettext("The file is larger than 2 MB."))
            return store_days(calendar, parse_ics(upload.read()), source=CalendarDay.Source.IMPORTED)

        return self._tool(request, pk, ImportForm, gettext("Import days from an iCalendar file"), run)

    def export_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        calendar = get_object_or_404(HolidayCalendar, pk=pk)
        response = HttpResponse(export_ics(calendar), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="calendar-{calendar.pk}.ics"'
        return response


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "like_weekday", "shorten_minutes", "note", "calendar", "source")
    list_filter = ("calendar", "kind", "source")
    date_hierarchy = "date"
    search_fields = ("note",)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for day in queryset:
            day.delete()  # each deletion tells the compiled calendars


class SlaRuleForm(forms.ModelForm):
    priorities = forms.TypedMultipleChoiceField(
        label=_("priorities"), choices=Priority.choices, coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = SlaRule
        fields = ("kind", "position", "ticket_types", "services", "priorities", "companies", "amount", "unit")


class SlaRuleInline(admin.StackedInline):
    model = SlaRule
    form = SlaRuleForm
    extra = 0
    fields = (("kind", "position"), ("amount", "unit"), "priorities", "ticket_types", "services", "companies")
    filter_horizontal = ("ticket_types", "services", "companies")
    verbose_name_plural = _("SLA rules: tried in order, the first whose conditions hold gives the time")


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = (
            "name",
            "name_en",
            "description",
            "is_active",
            "employees",
            "departments",
            "companies",
            "contacts",
            "spread_over_org",
            "services",
            "schedule",
            "reaction_amount",
            "reaction_unit",
            "resolution_amount",
            "resolution_unit",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schedule = self.instance.schedule if self.instance.pk else None
        text = day_explained(str(schedule) if schedule else gettext("default 8×5"), working_time(schedule))
        for name in ("reaction_unit", "resolution_unit"):
            if name in self.fields:
                self.fields[name].help_text = text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("reaction_amount", "resolution_amount"):
            if data.get(name) is not None and data[name] <= 0:
                self.add_error(name, ValidationError(gettext("Give a positive time.")))
        return data


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    form = AgreementForm
    list_display = ("name", "is_base", "spread_over_org", "schedule", "default_times", "rules_count", "is_active")
    search_fields = ("name", "name_en")
    readonly_fields = ("is_base",)
    filter_horizontal = ("services", "employees", "departments", "companies", "contacts")
    inlines = [SlaRuleInline]
    fieldsets = (
        (None, {"fields": ("name", "name_en", "is_base", "description", "is_active")}),
        (_("Recipients"), {"fields": ("employees", "departments", "companies", "contacts", "spread_over_org")}),
        (
            _("Services and SLA"),
            {
                "fields": (
                    "services",
                    "schedule",
                    ("reaction_amount", "reaction_unit"),
                    ("resolution_amount", "resolution_unit"),
                ),
                "description": _("Default times, used when no rule below matches (8 hours unless set)."),
            },
        ),
    )

    @admin.display(description=_("default times"))
    def default_times(self, obj: Agreement) -> str:
        return f"{obj.reaction_amount:g} {obj.get_reaction_unit_display()} / {obj.resolution_amount:g} {obj.get_resolution_unit_display()}"

    @admin.display(description=_("rules"))
    def rules_count(self, obj: Agreement) -> int:
        return obj.sla_rules.count()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        form.instance.save(update_fields=["updated_at"])  # rule conditions changed: a new rules version

    def has_delete_permission(self, request: HttpRequest, obj: Agreement | None = None) -> bool:
        if obj is not None and obj.is_base:
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request: HttpRequest):  # type: ignore[no-untyped-def]
        # Leave the base agreement out of the confirmation, so selecting it with others does not
        # refuse the whole bulk delete; delete_queryset then keeps it and says so.
        if isinstance(objs, QuerySet):
            objs = objs.filter(is_base=False)
        else:
            objs = [obj for obj in objs if not obj.is_base]
        return super().get_deleted_objects(objs, request)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Agreement]) -> None:
        if queryset.filter(is_base=True).exists():
            self.message_user(request, gettext("The base agreement cannot be deleted; it was kept."), messages.WARNING)
        for agreement in queryset.filter(is_base=False):
            try:
                agreement.delete()
            except ValidationError as exc:
                self.message_user(request, "; ".join(exc.messages), messages.ERROR)

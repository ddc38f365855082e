"""System settings → Escalation: schemes for tickets, tasks and approvals, their levels (each
switched on and off on its own), and the journal of what fired and how late."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext, npgettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from notifications.admin import TechnologistAccess
from servicedesk.admin_grammar import FEMININE, MASCULINE, NEUTER, Noun, register_nouns
from servicedesk.models import Priority

from . import schemes
from .models import TARGET_EVENTS, EscalationFiring, EscalationLevel, EscalationScheme, Target, Trigger

# Russian noun cases of this app's models in the admin's sentences (servicedesk/admin_grammar.py).
register_nouns(
    {
        EscalationScheme: Noun(
            pgettext_lazy("accusative", "escalation scheme"),
            pgettext_lazy("accusative plural", "escalation schemes"),
            pgettext_lazy("genitive", "escalation scheme"),
            npgettext_lazy("count", "%(count)s escalation scheme", "%(count)s escalation schemes", "count"),
            FEMININE,
        ),
        EscalationLevel: Noun(
            pgettext_lazy("accusative", "escalation level"),
            pgettext_lazy("accusative plural", "escalation levels"),
            pgettext_lazy("genitive", "escalation level"),
            npgettext_lazy("count", "%(count)s escalation level", "%(count)s escalation levels", "count"),
            MASCULINE,
        ),
        EscalationFiring: Noun(
            pgettext_lazy("accusative", "escalation fired"),
            pgettext_lazy("accusative plural", "escalation journal"),
            pgettext_lazy("genitive", "escalation fired"),
            npgettext_lazy("count", "%(count)s escalation firing", "%(count)s escalation firings", "count"),
            NEUTER,
        ),
    }
)


def _resync_after_commit() -> None:
    from .tasks import resync_task

    schemes.forget()
    transaction.on_commit(lambda: resync_task.delay(), robust=True)


class SchemeForm(forms.ModelForm):
    priorities = forms.TypedMultipleChoiceField(
        label=_("priorities"), choices=Priority.choices, coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = EscalationScheme
        fields = (
            "name",
            "name_en",
            "target",
            "enabled",
            "position",
            "ticket_types",
            "services",
            "agreements",
            "priorities",
        )


class LevelForm(forms.ModelForm):
    class Meta:
        model = EscalationLevel
        fields = (
            "position",
            "name",
            "enabled",
            "trigger",
            "percent",
            "offset_minutes",
            "hold_to_working_hours",
            "is_urgent",
            "notify",
            "reassign_employee",
            "reassign_team",
            "raise_priority",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("trigger") == Trigger.SHARE and not data.get("percent"):
            self.add_error("percent", _("Give the share of the time, e.g. 75."))
        if data.get("trigger") == Trigger.OFFSET and data.get("offset_minutes") is None:
            self.add_error("offset_minutes", _("Give the offset in minutes: -60 is an hour before the deadline."))
        employee, team = data.get("reassign_employee"), data.get("reassign_team")
        if employee and team and not team.members.filter(pk=employee.pk).exists():
            self.add_error("reassign_employee", _("The employee is not a member of the chosen team."))
        target = getattr(self.instance.scheme, "target", None) if self.instance.scheme_id else None
        event = TARGET_EVENTS.get(target) if target else None
        wrong = [action.name for action in data.get("notify") or [] if event and action.event != event]
        if wrong:
            self.add_error("notify", _("Not an action of this scheme's event: %(names)s") % {"names": ", ".join(wrong)})
        if target in (Target.APPROVAL,) and (employee or team):
            self.add_error("reassign_team", _("Approvals cannot be reassigned; notify instead."))
        if target in (Target.TASK, Target.APPROVAL) and data.get("raise_priority"):
            self.add_error("raise_priority", _("Only a ticket has a priority."))
        return data


class LevelInline(admin.StackedInline):
    model = EscalationLevel
    form = LevelForm
    extra = 0
    fields = (
        ("position", "enabled"),
        "name",
        ("trigger", "percent", "offset_minutes"),
        ("hold_to_working_hours", "is_urgent"),
        "notify",
        ("reassign_employee", "reassign_team"),
        "raise_priority",
    )
    autocomplete_fields = ("notify", "reassign_employee", "reassign_team")


def _set_enabled(queryset: QuerySet, enabled: bool) -> int:
    count = 0
    for obj in queryset:
        obj.enabled = enabled
        obj.save()  # a level's save moves its scheme's version
        count += 1
    _resync_after_commit()
    return count


@admin.register(EscalationScheme)
class EscalationSchemeAdmin(TechnologistAccess, admin.ModelAdmin):
    form = SchemeForm
    list_display = ("__str__", "target", "levels_column", "enabled", "position")
    list_filter = ("target", "enabled")
    list_editable = ("enabled",)
    filter_horizontal = ("ticket_types", "services", "agreements")
    inlines = [LevelInline]
    actions = ("turn_off", "turn_on")
    fieldsets = (
        (None, {"fields": ("name", "name_en", "target", "enabled", "position")}),
        (_("Conditions (empty: any)"), {"fields": ("ticket_types", "services", "agreements", "priorities")}),
    )

    @admin.display(description=_("levels"))
    def levels_column(self, obj: EscalationScheme) -> str:
        off = " " + gettext("(off)")
        parts = [level.when_label() + ("" if level.enabled else off) for level in obj.levels.all()]
        return ", ".join(parts)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("levels")

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        _resync_after_commit()

    def delete_model(self, request: HttpRequest, obj: EscalationScheme) -> None:
        super().delete_model(request, obj)
        _resync_after_commit()

    @admin.action(description=_("Turn off"))
    def turn_off(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = _set_enabled(queryset, False)
        self.message_user(request, gettext("Turned off: %(count)d") % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Turn on"))
    def turn_on(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = _set_enabled(queryset, True)
        self.message_user(request, gettext("Turned on: %(count)d") % {"count": count}, messages.SUCCESS)


@admin.register(EscalationLevel)
class EscalationLevelAdmin(TechnologistAccess, admin.ModelAdmin):
    """Every level in one list, to switch them on and off one by one."""

    form = LevelForm
    list_display = ("when", "scheme", "enabled", "held_column", "notify_column", "actions_column")
    list_display_links = ("when",)
    list_editable = ("enabled",)
    list_filter = ("scheme__target", "enabled", "scheme")
    list_select_related = ("scheme", "reassign_employee", "reassign_team")
    actions = ("turn_off", "turn_on")
    autocomplete_fields = ("notify", "reassign_employee", "reassign_team")
    fields = ("scheme", *LevelForm.Meta.fields)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        kwargs["fields"] = ("scheme", *LevelForm.Meta.fields)
        return super().get_form(request, obj, change, **kwargs)

    @admin.display(description=_("fires at"), ordering="position")
    def when(self, obj: EscalationLevel) -> str:
        return str(obj)

    @admin.display(description=_("held"), boolean=True)
    def held_column(self, obj: EscalationLevel) -> bool:
        return obj.hold_to_working_hours

    @admin.display(description=_("notifications"))
    def notify_column(self, obj: EscalationLevel) -> str:
        return ", ".join(action.name for action in obj.notify.all())

    @admin.display(description=_("other actions"))
    def actions_column(self, obj: EscalationLevel) -> str:
        parts = []
        if obj.reassign_employee_id or obj.reassign_team_id:
            target = " / ".join(str(x) for x in (obj.reassign_employee, obj.reassign_team) if x)
            parts.append(gettext("reassign to %(target)s") % {"target": target})
        if obj.raise_priority:
            parts.append(gettext("raise the priority"))
        return "; ".join(parts)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("notify")

    def save_model(self, request: HttpRequest, obj: EscalationLevel, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        _resync_after_commit()

    @admin.action(description=_("Turn off"))
    def turn_off(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = _set_enabled(queryset, False)
        self.message_user(request, gettext("Turned off: %(count)d") % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Turn on"))
    def turn_on(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = _set_enabled(queryset, True)
        self.message_user(request, gettext("Turned on: %(count)d") % {"count": count}, messages.SUCCESS)


@admin.register(EscalationFiring)
class EscalationFiringAdmin(TechnologistAccess, admin.ModelAdmin):
    list_display = (
        "fired_at",
        "level",
        "scheme_column",
        "ticket_column",
        "due_at",
        "late_column",
        "acknowledged_by",
        "acknowledged_at",
    )
    list_filter = ("level__scheme",)
    list_select_related = ("level__scheme",)
    search_fields = ("=ticket__id",)
    readonly_fields = ("level", "object_id", "ticket", "due_at", "fired_at", "deadline")
    show_full_result_count = False

    @admin.display(description=_("scheme"))
    def scheme_column(self, obj: EscalationFiring) -> str:
        return str(obj.level.scheme)

    @admin.display(description=_("ticket"), ordering="ticket_id")
    def ticket_column(self, obj: EscalationFiring) -> Any:
        return format_html('<a href="/tickets/{}/">#{}</a>', obj.ticket_id, obj.ticket_id) if obj.ticket_id else "—"

    @admin.display(description=_("late by, s"))
    def late_column(self, obj: EscalationFiring) -> str:
        return f"{obj.late_by_seconds:.1f}"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

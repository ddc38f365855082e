"""The ticket list filter. All state lives in GET parameters, so a filtered list is a plain URL."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..models import Priority, Service, TicketStatus, TicketType
from .widgets import EmployeeChoiceField, active_employees, all_teams

PAGE_SIZES = (25, 50, 100)

# Sort key shown in the URL -> ORDER BY. The id tiebreak keeps paging stable.
SORTS: dict[str, tuple[str, ...]] = {
    "-number": ("-id",),
    "number": ("id",),
    "-updated": ("-updated_at", "-id"),
    "updated": ("updated_at", "id"),
    "priority": ("priority", "-id"),
    "-priority": ("-priority", "-id"),
    "deadline": ("resolution_deadline", "-id"),
    "-deadline": ("-resolution_deadline", "-id"),
}


DUE_CHOICES = (
    ("", _("Any deadline")),
    ("overdue", _("Overdue")),
    ("within", _("Due within N hours")),
)


class Scope:
    ALL = ""
    MINE = "mine"
    TEAMS = "teams"
    OPEN = "open"

    CHOICES = (
        (ALL, _("All")),
        (MINE, _("Assigned to me")),
        (TEAMS, _("My teams")),
        (OPEN, _("All open")),
    )


class TicketFilterForm(forms.Form):
    q = forms.CharField(
        label=pgettext_lazy("field label", "Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Number, subject, text or requester")}),
    )
    scope = forms.ChoiceField(label=_("Quick filter"), choices=Scope.CHOICES, required=False)
    status = forms.MultipleChoiceField(
        label=_("Status"),
        choices=TicketStatus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    type = forms.ModelChoiceField(
        label=_("Type"),
        queryset=TicketType.objects.filter(is_active=True),
        required=False,
        empty_label=_("Any type"),
    )
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.all(),
        required=False,
        empty_label=_("Any service"),
    )
    responsible = EmployeeChoiceField(
        label=_("Responsible"),
        queryset=active_employees(),
        required=False,
        empty_label=_("Anyone"),
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=all_teams(), required=False, empty_label=_("Any team"))
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=[("", _("Any priority")), *Priority.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    due = forms.ChoiceField(label=_("Deadline"), choices=DUE_CHOICES, required=False)
    within = forms.IntegerField(
        label=_("hours"),
        min_value=1,
        max_value=24 * 30,
        required=False,
        widget=forms.NumberInput(attrs={"size": 3, "placeholder": "4"}),
    )
    sort = forms.ChoiceField(label=_("Sort"), choices=[(k, k) for k in SORTS], required=False)
    per_page = forms.TypedChoiceField(
        label=_("Per page"),
        choices=[(n, n) for n in PAGE_SIZES],
        coerce=int,
        required=False,
        empty_value=PAGE_SIZES[0],  # type: ignore[arg-type]  # any value works; the stubs say str
    )

    def cleaned_or_defaults(self) -> dict[str, object]:
        """Cleaned values; invalid parameters fall back to defaults rather than failing the page."""
        if self.is_valid():
            data = dict(self.cleaned_data)
        else:
            data = {name: value for name, value in getattr(self, "cleaned_data", {}).items()}
        data.setdefault("per_page", PAGE_SIZES[0])
        data["per_page"] = data.get("per_page") or PAGE_SIZES[0]
        data["sort"] = data.get("sort") or "-number"
        return data

"""The ticket list's bulk actions: one change for the selected tickets, each through its service."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Priority, TicketStatus
from .widgets import EmployeeChoiceField, TeamFilteredSelect, active_employees, all_teams, team_membership


class BulkAction:
    ASSIGN = "assign"
    STATUS = "status"
    PRIORITY = "priority"
    CHOICES = ((ASSIGN, _("Assign")), (STATUS, _("Change status")), (PRIORITY, _("Change priority")))


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=BulkAction.CHOICES)
    tickets = forms.TypedMultipleChoiceField(label=_("Tickets"), coerce=int, choices=())
    responsible_employee = EmployeeChoiceField(
        label=_("Employee"),
        queryset=active_employees(),
        required=False,
        empty_label=_("Nobody"),
        widget=TeamFilteredSelect(attrs={"id": "bulk-employee", "form": "bulk-form", "data-filtered-by-team": ""}),
    )
    responsible_team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=all_teams(),
        required=False,
        empty_label=_("No team"),
        widget=forms.Select(attrs={"id": "bulk-team", "form": "bulk-form", "data-team-select": ""}),
    )
    status = forms.ChoiceField(label=_("New status"), choices=[("", "—"), *TicketStatus.choices], required=False)
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=[("", "—"), *Priority.choices], coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        widget = self.fields["responsible_employee"].widget
        assert isinstance(widget, TeamFilteredSelect)
        widget.teams_of = team_membership()
        # Any number is accepted here; the view keeps only tickets the user may change.
        data = self.data.getlist("tickets") if hasattr(self.data, "getlist") else []
        self.fields["tickets"].choices = [(value, value) for value in data if str(value).isdigit()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        action = data.get("action")
        if action == BulkAction.STATUS and not data.get("status"):
            self.add_error("status", _("Choose the new status."))
        if action == BulkAction.PRIORITY and data.get("priority") is None:
            self.add_error("priority", _("Choose the priority."))
        return data

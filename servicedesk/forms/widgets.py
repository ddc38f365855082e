"""Small form building blocks shared by the ticket forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from ..models import Employee, Team


class FilePicker:
    """Mixed into a file input: the button and the "nothing chosen" text are ours, in the page's
    language (the browser's own control speaks the browser's language, whatever the page's). The
    real input stays in the page, keyboard-focusable; static/js/filepick.js shows the chosen names."""

    choose: Any = gettext_lazy("Choose files")
    nothing: Any = gettext_lazy("No files chosen")

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        attrs = {**(attrs or {}), "class": "filepick__input"}
        field = super().render(name, value, attrs, renderer)  # type: ignore[misc]
        return format_html(
            '<span class="filepick" data-filepick>{}'
            '<label class="btn btn--sm filepick__button" for="{}">{}</label>'
            '<span class="filepick__names" data-filepick-names data-empty="{}" aria-live="polite">{}</span></span>',
            field,
            attrs.get("id", f"id_{name}"),
            self.choose,
            self.nothing,
            self.nothing,
        )


class MultipleFileInput(FilePicker, forms.ClearableFileInput):
    allow_multiple_selected = True


class AdminFilePicker(FilePicker, AdminFileWidget):
    """One file in the technologist interface (an employee's photo)."""

    choose = gettext_lazy("Choose a file")
    nothing = gettext_lazy("No file chosen")


class AdminFileInput(FilePicker, forms.FileInput):
    """One file on a technologist-interface tool page (an import, a calendar): no "clear" box."""

    choose = gettext_lazy("Choose a file")
    nothing = gettext_lazy("No file chosen")


class MultipleFileField(forms.FileField):
    """Several files in one input; returns a list (empty when nothing was chosen and not required)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self, data: object, initial: object = None) -> list[UploadedFile]:
        items = data if isinstance(data, list | tuple) else [data] if data else []
        if not items and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        single = super().clean
        return [single(item, initial) for item in items]


class TeamFilteredSelect(forms.Select):
    """An employee select whose options carry `data-teams` (the ids of the employee's teams), so
    the page can narrow the list to the members of the team chosen next to it (static/js/app.js)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.teams_of: dict[int, list[int]] = {}

    def create_option(self, name: str, value: object, *args: object, **kwargs: object) -> dict:
        option = super().create_option(name, value, *args, **kwargs)  # type: ignore[arg-type]
        key = getattr(value, "value", value)
        if key not in (None, ""):
            option["attrs"]["data-teams"] = " ".join(str(team) for team in self.teams_of.get(int(key), []))  # type: ignore[call-overload]
        return option


def share_choices(queryset: QuerySet, *fields: forms.Field) -> None:
    """Selects over one queryset (the list filter's and the bulk bar's employees and teams) render
    from one query. A ModelChoiceField otherwise reads its queryset anew for every render, through
    a server-side cursor: three round trips each on PostgreSQL, which a loaded server feels.
    Validation still goes through each field's queryset."""
    rows = list(queryset)
    for field in fields:
        assert isinstance(field, forms.ModelChoiceField)
        empty = [("", field.empty_label)] if field.empty_label is not None else []
        field.choices = [*empty, *((obj.pk, field.label_from_instance(obj)) for obj in rows)]


def team_membership() -> dict[int, list[int]]:
    """employee id -> ids of the teams they belong to, in one query."""
    found: dict[int, list[int]] = {}
    for employee_id, team_id in Team.members.through.objects.values_list("employee_id", "team_id"):
        found.setdefault(employee_id, []).append(team_id)
    return found


class EmployeeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Employee) -> str:
        return obj.full_name


def active_employees() -> QuerySet[Employee]:
    """Employees who can be responsible or watch: active and licensed (unlicensed cards, often
    thousands imported from a directory, cannot log in, and listing them made every page slow)."""
    return Employee.objects.filter(is_active=True, is_licensed=True).only("id", "last_name", "first_name", "patronymic")


def all_teams() -> QuerySet[Team]:
    return Team.objects.only("id", "name")

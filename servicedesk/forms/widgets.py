"""Small form building blocks shared by the ticket forms."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet

from ..models import Employee, Team


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


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


class EmployeeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Employee) -> str:
        return obj.full_name


def active_employees() -> QuerySet[Employee]:
    """Employees who can be responsible or watch: active and licensed (unlicensed cards, often
    thousands imported from a directory, cannot log in, and listing them made every page slow)."""
    return Employee.objects.filter(is_active=True, is_licensed=True).only("id", "last_name", "first_name", "patronymic")


def all_teams() -> QuerySet[Team]:
    return Team.objects.only("id", "name")

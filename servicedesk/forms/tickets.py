"""Forms for registering a ticket and for the actions on its card."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import Agreement, Contact, Employee, Priority, Service, Ticket, TicketStatus, TicketType
from .widgets import (
    EmployeeChoiceField,
    MultipleFileField,
    TeamFilteredSelect,
    active_employees,
    all_teams,
    team_membership,
)


def apply_validation_error(form: forms.Form, error: ValidationError) -> None:
    """Attach a service-layer ValidationError to the form: next to its field when the form has it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def parse_requester(value: str) -> Employee | Contact | None:
    """Decode the chooser's value, `employee:<id>` or `contact:<id>`."""
    kind, _sep, raw_id = value.partition(":")
    if not raw_id.isdigit():
        return None
    models: dict[str, type[Employee] | type[Contact]] = {"employee": Employee, "contact": Contact}
    model = models.get(kind)
    if model is None:
        return None
    return model._default_manager.filter(pk=int(raw_id), is_active=True).first()


def requester_value(person: Employee | Contact) -> str:
    return f"{'employee' if isinstance(person, Employee) else 'contact'}:{person.pk}"


class TicketCreateForm(forms.Form):
    type = forms.ModelChoiceField(label=_("Type"), queryset=TicketType.objects.filter(is_active=True), empty_label=None)
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.filter(is_active=True),
        required=False,
        empty_label=_("No service"),
    )
    requester = forms.CharField(label=_("Requester"), required=False, widget=forms.Select)
    requester_email = forms.EmailField(
        label=_("or e-mail of an unregistered requester"),
        required=False,
        widget=forms.EmailInput(attrs={"placeholder": "name@example.com", "autocomplete": "off"}),
    )
    subject = forms.CharField(label=_("Subject"), max_length=500)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, initial=Priority.NORMAL
    )
    agreement = forms.ModelChoiceField(
        label=_("Agreement"),
        queryset=Agreement.objects.filter(is_active=True),
        required=False,
        empty_label=_("Automatically: the requester's own, else the base one"),
        help_text=_("The list follows the requester and the service."),
    )
    responsible_employee = EmployeeChoiceField(
        label=_("Responsible employee"),
        queryset=active_employees(),
        required=False,
        empty_label=_("From the service"),
    )
    responsible_team = forms.ModelChoiceField(
        label=_("Responsible team"),
        queryset=all_teams(),
        required=False,
        empty_label=_("From the service"),
    )
    # The form metaclass moves declared fields into base_fields: this never shadows BaseForm.files.
    files = MultipleFileField(label=_("Files"), required=False)  # type: ignore[assignment]

    def __init__(
        self, *args: object, user: object = None, hidden_types: Collection[str] = (), **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user
        if hidden_types:  # types of a module switched off by its label (changes, problems) are not offered
            self.fields["type"].queryset = TicketType.objects.filter(is_active=True).exclude(code__in=hidden_types)  # type: ignore[attr-defined]

    def clean_requester(self) -> Employee | Contact | None:
        from ..permissions import visible_contacts, visible_employees

        value = self.cleaned_data.get("requester") or ""
        if not value:
            return None
        person = parse_requester(value)
        # The requester lookup follows the people directory's rule: a person this user may not
        # see cannot be chosen by typing their id either.
        visible = visible_employees if isinstance(person, Employee) else visible_contacts
        if person is not None and not visible(self.user).filter(pk=person.pk).exists():  # type: ignore[arg-type]
            person = None
        if person is None:
            raise ValidationError(_("Choose the requester again: this person is not found."))
        return person

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("requester") and not data.get("requester_email") and "requester_email" not in self.errors:
            self.add_error("requester", _("Choose a requester or give an e-mail address."))
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Added to the ticket as a public comment."),
    )

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        if isinstance(status, forms.ChoiceField):
            status.choices = [(s, TicketStatus(s).label) for s in ticket.allowed_statuses()]


class AssignForm(forms.Form):
    responsible_team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=all_teams(),
        required=False,
        empty_label=_("No team"),
        widget=forms.Select(attrs={"data-team-select": ""}),
    )
    responsible_employee = EmployeeChoiceField(
        label=_("Employee"),
        queryset=active_employees(),
        required=False,
        empty_label=_("Nobody"),
        widget=TeamFilteredSelect(attrs={"data-filtered-by-team": ""}),
        help_text=_("With a team chosen, only its members are listed."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        widget = self.fields["responsible_employee"].widget
        assert isinstance(widget, TeamFilteredSelect)
        widget.teams_of = team_membership()


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("Write a reply or a note…")}),
    )
    is_private = forms.BooleanField(
        label=_("Private note"),
        required=False,
        help_text=_("Seen by the service desk only; the requester is not notified."),
    )
    files = MultipleFileField(label=_("Files"), required=False)  # type: ignore[assignment]  # see TicketForm


class AttachmentForm(forms.Form):
    files = MultipleFileField(label=_("Files"))  # type: ignore[assignment]  # see TicketForm

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The comment form on the same card has a `files` field too; ids must stay unique.
        kwargs.setdefault("auto_id", "id_upload_%s")
        super().__init__(*args, **kwargs)


class WatcherForm(forms.Form):
    employee = EmployeeChoiceField(
        label=_("Employee"), queryset=active_employees(), empty_label=_("Choose an employee")
    )

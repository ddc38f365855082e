"""Forms of the client's personal cabinet."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import Contact, Employee, Service, TicketType
from ..services.agreements import agreements_for
from .widgets import MultipleFileField


def offered_services(
    *, contact: Contact | None, employee: Employee | None, hidden_types: set[str]
) -> list[tuple[Service, list[TicketType]]]:
    """Services of the person's agreements, each with the ticket types it accepts (seed 004: a service
    without types, or outside every agreement, takes no tickets)."""
    agreements = agreements_for(employee=employee, contact=contact)
    services = (
        Service.objects.filter(agreements__in=agreements, is_active=True)
        .distinct()
        .prefetch_related("ticket_types")
        .order_by("name")
    )
    offered = []
    for service in services:
        types = [t for t in service.ticket_types.all() if t.is_active and t.code not in hidden_types]
        if types:
            offered.append((service, types))
    return offered


class CabinetTicketForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Service and type"), error_messages={"invalid_choice": _("Choose a service from the list.")}
    )
    subject = forms.CharField(label=_("Subject"), max_length=500)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": _("What happened, since when, what you have tried…")}),
    )
    files = MultipleFileField(label=_("Files"), required=False)  # type: ignore[assignment]

    def __init__(self, *args: Any, offered: list[tuple[Service, list[TicketType]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offered = offered
        choice = self.fields["choice"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = [("", _("Choose a service"))] + [
            (service.label, [(f"{service.pk}:{t.pk}", t.label) for t in types]) for service, types in offered
        ]

    def clean_choice(self) -> tuple[Service, TicketType]:
        value = self.cleaned_data["choice"]
        for service, types in self.offered:
            for ticket_type in types:
                if value == f"{service.pk}:{ticket_type.pk}":
                    return service, ticket_type
        raise ValidationError(_("Choose a service from the list."))


class CabinetCommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("Write to the service desk…")}),
    )
    files = MultipleFileField(label=_("Files"), required=False)  # type: ignore[assignment]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("body") or "").strip() and not data.get("files"):
            raise ValidationError(_("Write a comment or attach a file."))
        return data

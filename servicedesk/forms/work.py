"""Forms of the ticket card for reclassifying, tasks and approvals, and of "My tasks"."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import (
    Agreement,
    ApprovalMode,
    Priority,
    Service,
    Ticket,
    TicketType,
    TimeUnit,
    Vote,
)
from .widgets import EmployeeChoiceField, active_employees, all_teams


class WorkTimeMixin(forms.Form):
    """A working duration given as an amount and a unit (a day being 24 working hours)."""

    work_amount = forms.DecimalField(
        label=_("Time"), min_value=Decimal("0.01"), max_digits=9, decimal_places=2, required=False
    )
    work_unit = forms.ChoiceField(label=_("Unit"), choices=TimeUnit.choices, initial=TimeUnit.HOURS)


class TaskForm(WorkTimeMixin):
    title = forms.CharField(label=_("Task"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    responsible_employee = EmployeeChoiceField(
        label=_("Employee"), queryset=active_employees(), required=False, empty_label=_("Nobody")
    )
    responsible_team = forms.ModelChoiceField(
        label=_("Team"), queryset=all_teams(), required=False, empty_label=_("No team")
    )
    is_mandatory = forms.BooleanField(
        label=_("Mandatory"), required=False, help_text=_("The ticket cannot be resolved while it is open.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "task")
        super().__init__(*args, **kwargs)
        self.fields["work_amount"].help_text = _("Working time for the task, in the ticket's schedule.")


class FinishTaskForm(forms.Form):
    result = forms.CharField(label=_("Result"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    status = forms.ChoiceField(choices=(("done", _("Done")), ("cancelled", _("Cancel the task"))))


class ApprovalForm(WorkTimeMixin):
    subject = forms.CharField(label=_("What to approve"), max_length=300)
    description = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    approvers = forms.ModelMultipleChoiceField(
        label=_("Approvers"),
        queryset=active_employees().filter(user__isnull=False),
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    mode = forms.ChoiceField(label=_("Decision rule"), choices=ApprovalMode.choices, initial=ApprovalMode.ALL)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "approval")
        super().__init__(*args, **kwargs)
        self.fields["approvers"].label_from_instance = lambda employee: employee.full_name  # type: ignore[attr-defined]
        self.fields["work_amount"].help_text = _("Working time for the decision; asking puts the ticket into Waiting.")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=((Vote.APPROVED, _("Approve")), (Vote.REJECTED, _("Reject"))))
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("Required to reject.")
    )


class ReclassifyForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=500)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    type = forms.ModelChoiceField(label=_("Type"), queryset=TicketType.objects.filter(is_active=True), empty_label=None)
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.filter(is_active=True), required=False, empty_label=_("No service")
    )
    agreement = forms.ModelChoiceField(
        label=_("Agreement"),
        queryset=Agreement.objects.filter(is_active=True),
        required=False,
        empty_label=_("The requester's agreement for the service"),
    )
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Priority.choices, coerce=int)

    def __init__(
        self,
        *args: Any,
        ticket: Ticket,
        choices: list[Agreement] | None = None,
        hidden_types: Collection[str] = (),
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", "edit")
        kwargs.setdefault(
            "initial",
            {
                "subject": ticket.subject,
                "description": ticket.description,
                "type": ticket.type_id,
                "service": ticket.service_id,
                "agreement": ticket.agreement_id,
                "priority": ticket.priority,
            },
        )
        super().__init__(*args, **kwargs)
        if hidden_types:
            # Types of a module switched off by its label are not offered; the ticket's own stays.
            types = TicketType.objects.filter(is_active=True).exclude(code__in=hidden_types)
            self.fields["type"].queryset = types | TicketType.objects.filter(pk=ticket.type_id)  # type: ignore[attr-defined]
        if choices:
            self.fields["agreement"].queryset = Agreement.objects.filter(  # type: ignore[attr-defined]
                pk__in=[a.pk for a in choices]
            )

    def clean_subject(self) -> str:
        subject = " ".join(self.cleaned_data["subject"].split())
        if not subject:
            raise ValidationError(_("A subject is required."))
        return subject

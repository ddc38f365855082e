"""Forms of the technologist's event action editor."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from servicedesk.models import Priority, Ticket, TicketStatus
from servicedesk.roles import ROLE_LABELS

from . import catalogue
from .compose import template_errors
from .models import Channel, DeliverySchedule, EventAction


class EventActionForm(forms.ModelForm):
    event = forms.ChoiceField(label=_("event"), choices=catalogue.event_choices)
    priorities = forms.TypedMultipleChoiceField(
        label=_("priorities"),
        choices=Priority.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    statuses = forms.MultipleChoiceField(
        label=_("new status"),
        choices=TicketStatus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For status changes: react only to these new statuses (none chosen: any status)."),
    )

    class Meta:
        model = EventAction
        fields = (
            "name",
            "event",
            "channel",
            "enabled",
            "is_mandatory",
            "is_urgent",
            "from_responsible_mailbox",
            "ticket_types",
            "services",
            "priorities",
            "teams",
            "agreements",
            "statuses",
            "to_requester",
            "to_responsible",
            "to_team",
            "to_watchers",
            "to_agreement_recipients",
            "to_team_leader",
            "to_assignees",
            "groups",
            "addresses",
            "notify_actor",
            *EventAction.TEMPLATE_FIELDS,
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups = self.fields.get("groups")
        if isinstance(groups, forms.ModelMultipleChoiceField):
            # Group names are role codes; the technologist picks by the translated role label.
            groups.label_from_instance = lambda obj: str(ROLE_LABELS.get(obj.name, obj.name))  # type: ignore[method-assign]

    def clean_addresses(self) -> str:
        raw = self.cleaned_data.get("addresses", "")
        bad: list[str] = []
        validator = forms.EmailField()
        for line in raw.replace(",", "\n").splitlines():
            if line.strip():
                try:
                    validator.clean(line.strip())
                except ValidationError:
                    bad.append(line.strip())
        if bad:
            raise ValidationError(_("Not e-mail addresses: %(list)s") % {"list": ", ".join(dict.fromkeys(bad))})
        return raw

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        event = cleaned.get("event")
        if not event:
            return cleaned
        fields = {name: cleaned.get(name) or "" for name in EventAction.TEMPLATE_FIELDS}
        for name, unknown in template_errors(event, fields).items():
            self.add_error(
                name,
                ngettext(
                    "Unknown placeholder for this event: %(names)s",
                    "Unknown placeholders for this event: %(names)s",
                    len(unknown),
                )
                % {"names": ", ".join(unknown)},
            )
        # A webhook posts its own payload template; the subject is only its name in lists.
        needs_subject = cleaned.get("channel") != Channel.WEBHOOK
        if needs_subject and not any(cleaned.get(name) for name in ("subject_ru", "subject_en")):
            self.add_error("subject_ru", _("Give a subject in at least one language."))
        return cleaned


class PreviewForm(forms.Form):
    ticket = forms.IntegerField(label=_("ticket number"), min_value=1, required=False)
    language = forms.ChoiceField(label=_("language"), choices=(("ru", _("Russian")), ("en", _("English"))))
    to = forms.EmailField(label=_("send the test to"), required=False)

    def clean_ticket(self) -> Ticket | None:
        number = self.cleaned_data.get("ticket")
        if number is None:
            return None
        ticket = Ticket.objects.filter(pk=number).first()
        if ticket is None:
            raise ValidationError(_("There is no ticket with this number."))
        return ticket


_CLOCK = {"placeholder": "22:00", "pattern": "([01][0-9]|2[0-3]):[0-5][0-9]", "inputmode": "numeric", "size": 5}


class DeliveryScheduleForm(forms.ModelForm):
    """A person's quiet hours and digest, in the notification centre."""

    class Meta:
        model = DeliverySchedule
        fields = ("quiet_from", "quiet_to", "quiet_outside_working_hours", "digest", "digest_minutes", "digest_at")
        # Plain text "22:00": a browser's own time picker shows 10:00 PM in some locales, and the
        # product writes times as 24-hour everywhere.
        widgets = {
            "quiet_from": forms.TimeInput(format="%H:%M", attrs=_CLOCK),
            "quiet_to": forms.TimeInput(format="%H:%M", attrs={**_CLOCK, "placeholder": "07:00"}),
            "digest_at": forms.TimeInput(format="%H:%M", attrs=_CLOCK),
            "digest_minutes": forms.NumberInput(attrs={"min": 5, "max": 1440}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("quiet_from") is None) != (data.get("quiet_to") is None):
            # Under the empty one, where the person has to type.
            missing = "quiet_to" if data.get("quiet_to") is None else "quiet_from"
            self.add_error(missing, _("Give both the start and the end of the quiet hours, or neither."))
        minutes = data.get("digest_minutes")
        if data.get("digest") == DeliverySchedule.Digest.INTERVAL and (not minutes or not 5 <= minutes <= 1440):
            self.add_error("digest_minutes", _("From 5 to 1440 minutes."))
        return data

"""Forms of the technologist interface: telephony settings with template validation, previews."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .compose import template_errors
from .models import CallKind, PbxCall, TelephonySettings


class TelephonySettingsForm(forms.ModelForm):
    class Meta:
        model = TelephonySettings
        fields = (
            "missed_calls_email",
            "voicemail_email",
            "missed_window_seconds",
            *TelephonySettings.MISSED_FIELDS,
            *TelephonySettings.VOICEMAIL_FIELDS,
        )
        widgets = {
            name: (
                forms.TextInput(attrs={"class": "vTextField", "style": "width:100%;max-width:46em"})
                if "_subject_" in name
                else forms.Textarea(
                    attrs={"rows": 7 if "_body_" in name else 3, "cols": 80, "class": "vLargeTextField"}
                )
            )
            for name in (*TelephonySettings.MISSED_FIELDS, *TelephonySettings.VOICEMAIL_FIELDS)
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for kind, names in (
            ("missed", TelephonySettings.MISSED_FIELDS),
            ("voicemail", TelephonySettings.VOICEMAIL_FIELDS),
        ):
            fields = {name: cleaned.get(name) or "" for name in names}
            for name, unknown in template_errors(kind, fields).items():
                self.add_error(
                    name,
                    ngettext(
                        "Unknown placeholder for this template: %(names)s",
                        "Unknown placeholders for this template: %(names)s",
                        len(unknown),
                    )
                    % {"names": ", ".join(unknown)},
                )
            if not (cleaned.get(f"{kind}_subject_ru") or cleaned.get(f"{kind}_subject_en")):
                self.add_error(f"{kind}_subject_ru", _("Give a subject in at least one language."))
        return cleaned


class CallPreviewForm(forms.Form):
    kind = forms.ChoiceField(label=_("template"), choices=CallKind.choices)
    call = forms.IntegerField(
        label=_("call number"), min_value=1, required=False, help_text=_("Empty: the latest call of this kind.")
    )
    language = forms.ChoiceField(label=_("language"), choices=(("ru", _("Russian")), ("en", _("English"))))
    to = forms.EmailField(label=_("send the test to"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        number, kind = cleaned.get("call"), cleaned.get("kind")
        if number is not None and kind:
            call = PbxCall.objects.filter(pk=number, kind=kind).first()
            if call is None:
                self.add_error("call", _("There is no call of this kind with this number."))
            cleaned["call_obj"] = call
        elif kind:
            cleaned["call_obj"] = PbxCall.objects.filter(kind=kind).order_by("-pk").first()
        return cleaned

"""The webhook card's form: the secret is write-only, the URL http(s) only, the payload checked."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Webhook
from .payload import template_problems


class WebhookForm(forms.ModelForm):
    url = forms.URLField(
        label=_("URL"), max_length=1000, assume_scheme="https", help_text=_("Only http:// and https:// addresses.")
    )
    secret = forms.CharField(
        label=_("secret"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Signs every call (HMAC-SHA256). Leave empty to keep the stored secret."),
    )

    class Meta:
        model = Webhook
        fields = ("name", "url", "enabled", "secret", "payload", "actions")

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        if urlsplit(url).scheme not in ("http", "https"):
            raise ValidationError(_("Only http:// and https:// addresses are allowed."))
        return url

    def clean_payload(self) -> str:
        payload: str = self.cleaned_data["payload"]
        problems = template_problems(payload)
        if problems:
            raise ValidationError("; ".join(problems))
        return payload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("secret") and not (self.instance.pk and self.instance.secret_encrypted):
            self.add_error("secret", _("A secret is required: the receiver checks the signature with it."))
        return data

    def save(self, commit: bool = True) -> Webhook:
        hook: Webhook = super().save(commit=False)
        if self.cleaned_data.get("secret"):
            hook.secret = self.cleaned_data["secret"]
        if commit:
            hook.save()
            self.save_m2m()
        return hook

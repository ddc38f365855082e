"""System settings → Personal mail: corporate mail domains and OAuth2 applications (technologists).

Employees' own mailboxes are not listed here: they belong to their owners (credentials and mail)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from notifications.admin import TechnologistAccess

from .models import CorporateDomain, OAuthApp
from .oauth import PROVIDERS


@admin.register(CorporateDomain)
class CorporateDomainAdmin(TechnologistAccess, admin.ModelAdmin):
    list_display = ("name", "domain", "imap_host", "smtp_host", "oauth_app")


class OAuthAppForm(forms.ModelForm):
    provider = forms.ChoiceField(label=_("provider"), choices=[(code, p.label) for code, p in PROVIDERS.items()])
    authorize_url = forms.URLField(
        label=_("authorization endpoint"),
        required=False,
        assume_scheme="https",
        help_text=_("Empty: the provider's standard endpoint."),
    )
    token_url = forms.URLField(
        label=_("token endpoint"),
        required=False,
        assume_scheme="https",
        help_text=_("Empty: the provider's standard endpoint."),
    )
    secret = forms.CharField(
        label=_("client secret"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted. Leave empty to keep the stored one."),
    )

    class Meta:
        model = OAuthApp
        fields = ["provider", "client_id", "secret", "authorize_url", "token_url", "scope"]
        help_texts = {"scope": _("Empty: the provider's mail scopes.")}


@admin.register(OAuthApp)
class OAuthAppAdmin(TechnologistAccess, admin.ModelAdmin):
    form = OAuthAppForm
    list_display = ("provider", "client_id")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if form.cleaned_data.get("secret"):
            obj.client_secret = form.cleaned_data["secret"]
        super().save_model(request, obj, form, change)

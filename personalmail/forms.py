"""The connect/settings form and the composer. Passwords are write-only: the field is never filled
back, and leaving it empty on a mailbox that has one keeps the stored password."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import ENCRYPTION_CHOICES, CorporateDomain, PersonalMailbox, Popups
from .oauth import PROVIDERS, oauth_app_for
from .presets import CORPORATE_PREFIX, OTHER, PRESETS
from .services.accounts import MailboxSettings


def service_choices() -> list[tuple[str, str]]:
    choices: list[tuple[str, str]] = [(p.code, str(p.label)) for p in PRESETS.values()]
    choices += [(f"{CORPORATE_PREFIX}{d.pk}", str(d)) for d in CorporateDomain.objects.all()]
    choices.append((OTHER, str(_("Other (IMAP and SMTP)"))))
    return choices


class MailboxForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"))
    email = forms.EmailField(label=_("E-mail"))
    login = forms.CharField(label=_("Login"), max_length=255)
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    use_oauth = forms.BooleanField(label=_("Authorise through OAuth2 instead of a password"), required=False)
    imap_host = forms.CharField(label=_("IMAP server"), required=False, max_length=255)
    imap_port = forms.IntegerField(label=_("IMAP port"), required=False, min_value=1, max_value=65535)
    imap_encryption = forms.ChoiceField(label=_("IMAP encryption"), choices=ENCRYPTION_CHOICES, initial="ssl")
    smtp_host = forms.CharField(label=_("SMTP server"), required=False, max_length=255)
    smtp_port = forms.IntegerField(label=_("SMTP port"), required=False, min_value=1, max_value=65535)
    smtp_encryption = forms.ChoiceField(label=_("SMTP encryption"), choices=ENCRYPTION_CHOICES, initial="ssl")
    verify_certificate = forms.BooleanField(label=_("Verify the server certificate"), required=False, initial=True)
    signature = forms.CharField(label=_("Signature"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    popups = forms.ChoiceField(label=_("New mail pop-ups"), choices=Popups.choices, initial=Popups.NOTIFY)
    mobile_popups = forms.ChoiceField(
        label=_("New mail pop-ups in the mobile app"), choices=Popups.choices, initial=Popups.NOTIFY
    )
    allow_in_processes = forms.BooleanField(
        label=_("Allow sending from this address in business processes"),
        required=False,
        help_text=_("Event actions may then send mail as you, through this mailbox."),
    )

    def __init__(self, *args: Any, instance: PersonalMailbox | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(instance, name)
                for name in (
                    "service email login imap_host imap_port imap_encryption smtp_host smtp_port smtp_encryption "
                    "verify_certificate signature popups mobile_popups allow_in_processes"
                ).split()
            } | {"use_oauth": instance.uses_oauth}
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.fields["service"].choices = service_choices()  # type: ignore[attr-defined]
        if not settings.PERSONALMAIL_OAUTH2:
            del self.fields["use_oauth"]
        if instance is not None and instance.password_encrypted:
            self.fields["password"].help_text = _("Stored. Leave empty to keep it.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        service = data.get("service", "")
        if service == OTHER:
            for name in ("imap_host", "imap_port", "smtp_host", "smtp_port"):
                if not data.get(name):
                    self.add_error(name, _("Required for the service “Other”."))
        if data.get("use_oauth") and not self.oauth_provider(service):
            self.add_error("use_oauth", _("No OAuth2 application is configured for this service."))
        stored = self.instance is not None and self.instance.password_encrypted
        if not data.get("use_oauth") and not data.get("password") and not stored:
            self.add_error("password", _("Enter the password."))
        return data

    def oauth_provider(self, service: str) -> str:
        """The OAuth2 provider whose configured application serves `service`, or ""."""
        provider = ""
        if service.startswith(CORPORATE_PREFIX):
            domain = CorporateDomain.objects.filter(pk=service.removeprefix(CORPORATE_PREFIX)).first()
            provider = domain.oauth_app.provider if domain and domain.oauth_app else ""
        elif service in PRESETS:
            provider = PRESETS[service].oauth_provider
        return provider if provider in PROVIDERS and oauth_app_for(provider) else ""

    def to_settings(self) -> MailboxSettings:
        data = self.cleaned_data
        service = data["service"]
        servers = self._servers(service, data)
        domain = servers.pop("corporate_domain", None)
        return MailboxSettings(
            service=service,
            email=data["email"],
            login=data["login"],
            password=data.get("password") or "",
            corporate_domain=domain,
            oauth_provider=self.oauth_provider(service) if data.get("use_oauth") else "",
            signature=data.get("signature", ""),
            popups=data["popups"],
            mobile_popups=data["mobile_popups"],
            allow_in_processes=data.get("allow_in_processes", False),
            **servers,
        )

    @staticmethod
    def _servers(service: str, data: dict[str, Any]) -> dict[str, Any]:
        if service in PRESETS:
            p = PRESETS[service]
            return {
                "imap_host": p.imap_host,
                "imap_port": p.imap_port,
                "imap_encryption": p.imap_encryption,
                "smtp_host": p.smtp_host,
                "smtp_port": p.smtp_port,
                "smtp_encryption": p.smtp_encryption,
            }
        if service.startswith(CORPORATE_PREFIX):
            d = CorporateDomain.objects.get(pk=service.removeprefix(CORPORATE_PREFIX))
            return {
                "imap_host": d.imap_host,
                "imap_port": d.imap_port,
                "imap_encryption": d.imap_encryption,
                "smtp_host": d.smtp_host,
                "smtp_port": d.smtp_port,
                "smtp_encryption": d.smtp_encryption,
                "verify_certificate": d.verify_certificate,
                "corporate_domain": d,
            }
        return {
            name: data[name]
            for name in (
                "imap_host imap_port imap_encryption smtp_host smtp_port smtp_encryption verify_certificate".split()
            )
        }


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = PersonalMailbox
        fields = ["signature", "popups", "mobile_popups", "allow_in_processes"]


class ComposeForm(forms.Form):
    to = forms.CharField(label=_("To"), max_length=2000)
    cc = forms.CharField(label=_("Copy"), max_length=2000, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=500, required=False)
    body = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 12}))

    def clean_to(self) -> list[str]:
        return _addresses(self.cleaned_data["to"], required=True)

    def clean_cc(self) -> list[str]:
        return _addresses(self.cleaned_data.get("cc", ""), required=False)


def _addresses(text: str, *, required: bool) -> list[str]:
    from email.utils import getaddresses

    from django.core.validators import validate_email

    result = []
    for _name, address in getaddresses([text.replace(";", ",")]):
        address = address.strip()
        if not address:
            continue
        try:
            validate_email(address)
        except forms.ValidationError:
            raise forms.ValidationError(_("“%(address)s” is not an e-mail address."), params={"address": address})
        result.append(address)
    if required and not result:
        raise forms.ValidationError(_("Give at least one recipient."))
    return result

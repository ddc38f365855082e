"""The outgoing connection card's form; the same validation serves `mailconf_import`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .conf import mail_setting
from .models import OutgoingConnection
from .protocols.smtp import port_25_refusal

CONNECTION_FIELDS = (
    "protocol",
    "host",
    "port",
    "encryption",
    "verify_certificate",
    "auth",
    "login",
    "oauth2",
    "client_id",
    "tenant_id",
    "ews_url",
    "from_address",
    "reply_to",
    "sender_name",
    "enabled",
)
COMPANY_FIELDS = ("signature", "notify_unregistered", "notifications_enabled")
SECRET_FIELDS = ("password", "client_secret")
# A change to any of these makes the cached OAuth token useless.
_TOKEN_FIELDS = ("protocol", "client_id", "tenant_id", "login")


def _secret_field(label: str) -> forms.CharField:
    # Write-only: never rendered back; empty keeps the stored value.
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the stored value."),
    )


class OutgoingConnectionForm(forms.ModelForm):
    password = _secret_field(_("Password"))
    client_secret = _secret_field(_("Client secret"))
    ews_url = forms.URLField(
        label=_("EWS server URL"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("The full URL of Exchange.asmx."),
    )

    class Meta:
        model = OutgoingConnection
        fields = (*CONNECTION_FIELDS, *COMPANY_FIELDS, "admin_email")

    def clean_port(self) -> int | None:
        port = self.cleaned_data.get("port")
        if port_25_refusal(port, bool(mail_setting("MAIL_ALLOW_PORT_25"))):
            raise forms.ValidationError(
                _(
                    "Port 25 cannot be used for sending, even with STARTTLS: cloud platforms block it. "
                    "Use 465 (SSL) or 587 (TLS)."
                )
            )
        if port is not None and not 0 < port < 65536:
            raise forms.ValidationError(_("A port is a number from 1 to 65535."))
        return port

    def clean_host(self) -> str:
        host = self.cleaned_data.get("host", "").strip()
        if any(c.isspace() for c in host) or "/" in host.lower().removeprefix("ssl://"):
            raise forms.ValidationError(_("Enter an IP address or a DNS name, optionally prefixed with ssl://."))
        return host

    def clean_ews_url(self) -> str:
        url = self.cleaned_data.get("ews_url", "")
        if url and not url.lower().startswith("https://"):
            raise forms.ValidationError(_("The EWS URL must start with https://."))
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        protocol = data.get("protocol")
        if protocol == "graph":
            data["oauth2"] = True  # Graph has no password login
        self._require_for(protocol, data)
        return data

    def _has_secret(self, name: str, data: dict[str, Any]) -> bool:
        return bool(data.get(name)) or bool(getattr(self.instance, f"{name}_encrypted", ""))

    def _require_for(self, protocol: str | None, data: dict[str, Any]) -> None:
        required: list[str] = []
        if protocol == "smtp":
            required.append("host")
            if data.get("auth") or data.get("oauth2"):
                required.append("login")
        if protocol == "ews":
            required.append("ews_url")
            if not data.get("oauth2"):
                required.append("login")
        if protocol in ("ews", "graph"):
            required.append("from_address")
        if data.get("oauth2"):
            required += ["client_id", "tenant_id"]
            if not self._has_secret("client_secret", data):
                self.add_error("client_secret", _("This field is required."))
        elif (protocol == "ews" or data.get("auth")) and not self._has_secret("password", data):
            self.add_error("password", _("This field is required."))
        for name in required:
            if not data.get(name):
                self.add_error(name, _("This field is required."))

    def save(self, commit: bool = True) -> OutgoingConnection:
        from .services.connection import forget_token

        conn = super().save(commit=False)
        for name in SECRET_FIELDS:
            if self.cleaned_data.get(name):
                setattr(conn, name, self.cleaned_data[name])
        if any(name in self.changed_data for name in (*_TOKEN_FIELDS, "client_secret")):
            forget_token(conn)
        if commit:
            conn.save()
        return conn

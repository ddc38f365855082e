"""The incoming connection card's form; the same validation serves the "incoming" import section."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import IncomingConnection
from .protocols.incoming import parse_folder_list

CONNECTION_FIELDS = (
    "name",
    "protocol",
    "host",
    "port",
    "encryption",
    "verify_certificate",
    "login",
    "oauth2",
    "client_id",
    "tenant_id",
    "ews_url",
    "folders",
    "processed_folder",
    "error_folder",
    "interval",
    "enabled",
)
RULE_FIELDS = ("ticket_type", "service", "agreement", "team", "unregistered", "accept_unknown_replies", "auto_replies")
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


class IncomingConnectionForm(forms.ModelForm):
    password = _secret_field(_("Password"))
    client_secret = _secret_field(_("Client secret"))
    ews_url = forms.URLField(
        label=_("EWS server URL"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("The full URL including the protocol, e.g. https://exchange.example.com/ews/Exchange.asmx."),
    )

    class Meta:
        model = IncomingConnection
        fields = (*CONNECTION_FIELDS, *RULE_FIELDS)

    def clean_port(self) -> int | None:
        port = self.cleaned_data.get("port")
        if port is not None and not 0 < port < 65536:
            raise forms.ValidationError(_("A port is a number from 1 to 65535."))
        return port

    def clean_host(self) -> str:
        host = self.cleaned_data.get("host", "").strip()
        if any(c.isspace() for c in host) or "/" in host:
            raise forms.ValidationError(_("Enter an IP address or a DNS name."))
        return host

    def clean_ews_url(self) -> str:
        url = self.cleaned_data.get("ews_url", "")
        if url and not url.lower().startswith("https://"):
            raise forms.ValidationError(_("The EWS URL must start with https://."))
        return url

    def clean_interval(self) -> int:
        interval = self.cleaned_data.get("interval") or 0
        if interval < 5:
            raise forms.ValidationError(_("Poll at most every 5 seconds."))
        return interval

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        protocol = data.get("protocol")
        if protocol == "graph":
            data["oauth2"] = True  # Graph has no password login
        if protocol == "pop3":
            for name in ("processed_folder", "error_folder"):
                if data.get(name):
                    self.add_error(name, _("POP3 has no folders: processed mail is deleted, failed mail stays."))
        elif protocol == "imap" and not parse_folder_list(data.get("folders", "")):
            self.add_error("folders", _("Name at least one folder, e.g. INBOX."))
        self._require_for(protocol, data)
        return data

    def _has_secret(self, name: str, data: dict[str, Any]) -> bool:
        return bool(data.get(name)) or bool(getattr(self.instance, f"{name}_encrypted", ""))

    def _require_for(self, protocol: str | None, data: dict[str, Any]) -> None:
        required = ["login"]
        if protocol in ("pop3", "imap"):
            required.append("host")
        if protocol == "ews":
            required.append("ews_url")
        if data.get("oauth2"):
            required += ["client_id", "tenant_id"]
            if not self._has_secret("client_secret", data):
                self.add_error("client_secret", _("This field is required."))
        elif not self._has_secret("password", data):
            self.add_error("password", _("This field is required."))
        for name in required:
            if not data.get(name):
                self.add_error(name, _("This field is required."))

    def save(self, commit: bool = True) -> IncomingConnection:
        conn = super().save(commit=False)
        for name in SECRET_FIELDS:
            if self.cleaned_data.get(name):
                setattr(conn, name, self.cleaned_data[name])
        if any(name in self.changed_data for name in (*_TOKEN_FIELDS, "client_secret")):
            conn.oauth_token_encrypted = ""
            conn.oauth_token_expires_at = None
        if commit:
            conn.save()
        return conn

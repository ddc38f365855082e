"""The connection cards' forms (outgoing connection, incoming mailboxes); the same validation
serves `mailconf_import`. What each protocol requires comes from its class in the registry."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mailconf.models import IncomingConnection, MailConnection, OutgoingConnection
from mailconf.protocols.errors import TransportError
from mailconf.protocols.incoming import IncomingMailbox, parse_folder_list
from mailconf.protocols.smtp import port_25_refusal
from mailconf.signals import outgoing_settings_changed

from .kinds import REGISTRIES, ProtocolClass, protocol_class_for

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

OUTGOING_FIELDS = (
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
INCOMING_FIELDS = (
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
RULE_FIELDS = (
    "ticket_type",
    "service",
    "agreement",
    "team",
    "unregistered",
    "accept_unknown_replies",
    "auto_replies",
    "closed_tickets",
)
SECRET_FIELDS = ("password", "client_secret")
SEND_PARAMETERS = ("reply_to", "from_address", "sender_name")
# A change to any of these makes the cached OAuth token useless.
_TOKEN_FIELDS = ("protocol", "client_id", "tenant_id", "login", "client_secret")


def _secret_field(label: _StrOrPromise) -> forms.CharField:
    # Write-only: never rendered back; empty keeps the stored value.
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the stored value."),
    )


class ConnectionForm(forms.ModelForm):
    """What both cards share: write-only secrets, port and URL checks, the fields each protocol
    requires, and forgetting the cached token when what it was issued for changes."""

    model_class: ClassVar[type[MailConnection]]
    password = _secret_field(_("Password"))
    client_secret = _secret_field(_("Client secret"))

    def clean_port(self) -> int | None:
        port: int | None = self.cleaned_data.get("port")
        if port is not None and not 0 < port < 65536:
            raise forms.ValidationError(_("A port is a number from 1 to 65535."))
        return port

    def clean_ews_url(self) -> str:
        url: str = self.cleaned_data.get("ews_url", "")
        if url and not url.lower().startswith("https://"):
            raise forms.ValidationError(_("The EWS URL must start with https://."))
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        cls = self._protocol_class(data.get("protocol"))
        if cls is not None:
            if cls.token_only:
                data["oauth2"] = True  # Graph has no password login
            self.check_for_protocol(cls, data)
            self._require(cls, data)
        return data

    def check_for_protocol(self, cls: ProtocolClass, data: dict[str, Any]) -> None:
        """Checks of one card that depend on the protocol (none by default)."""

    def _protocol_class(self, kind: str | None) -> ProtocolClass | None:
        try:
            return protocol_class_for(self.model_class, kind or "")
        except TransportError:
            return None  # the choice field has refused it already

    def _has_secret(self, name: str, data: dict[str, Any]) -> bool:
        return bool(data.get(name)) or bool(getattr(self.instance, f"{name}_encrypted", ""))

    def _require(self, cls: ProtocolClass, data: dict[str, Any]) -> None:
        oauth2 = bool(data.get("oauth2"))
        wanted = cls.required_settings(oauth2=oauth2, auth=bool(data.get("auth")))
        if oauth2:
            if not self._has_secret("client_secret", data):
                self.add_error("client_secret", _("This field is required."))
        elif "password" in wanted and not self._has_secret("password", data):
            self.add_error("password", _("This field is required."))
        required = [name for name in wanted if name != "password"]
        if oauth2:
            required += ["client_id", "tenant_id"]
        for name in required:
            if not data.get(name):
                self.add_error(name, _("This field is required."))

    def save(self, commit: bool = True) -> Any:
        conn = super().save(commit=False)
        for name in SECRET_FIELDS:
            if self.cleaned_data.get(name):
                setattr(conn, name, self.cleaned_data[name])
        if any(name in self.changed_data for name in _TOKEN_FIELDS):
            conn.forget_token()
        if commit:
            conn.save()
        return conn


class OutgoingConnectionForm(ConnectionForm):
    model_class = OutgoingConnection
    ews_url = forms.URLField(
        label=_("EWS server URL"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("The full URL of Exchange.asmx."),
    )

    class Meta:
        model = OutgoingConnection
        fields = (*OUTGOING_FIELDS, *COMPANY_FIELDS, "admin_email")

    def clean_port(self) -> int | None:
        refusal = port_25_refusal(self.cleaned_data.get("port"), settings.MAIL_ALLOW_PORT_25)
        if refusal:
            raise forms.ValidationError(gettext(refusal))  # a msgid of the catalogue, naming the setting
        return super().clean_port()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every mail is sent with them: refused here rather than found missing in the outbox later.
        for name in SEND_PARAMETERS:
            if name in self.fields:
                self.fields[name].required = True

    def clean_host(self) -> str:
        host: str = self.cleaned_data.get("host", "").strip()
        if any(c.isspace() for c in host) or "/" in host.lower().removeprefix("ssl://"):
            raise forms.ValidationError(_("Enter an IP address or a DNS name, optionally prefixed with ssl://."))
        return host


class IncomingConnectionForm(ConnectionForm):
    model_class = IncomingConnection
    ews_url = forms.URLField(
        label=_("EWS server URL"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("The full URL including the protocol, e.g. https://exchange.example.com/ews/Exchange.asmx."),
    )

    class Meta:
        model = IncomingConnection
        fields = (*INCOMING_FIELDS, *RULE_FIELDS)

    def clean_host(self) -> str:
        host: str = self.cleaned_data.get("host", "").strip()
        if any(c.isspace() for c in host) or "/" in host:
            raise forms.ValidationError(_("Enter an IP address or a DNS name."))
        return host

    def clean_interval(self) -> int:
        interval: int = self.cleaned_data.get("interval") or 0
        if interval < 5:
            raise forms.ValidationError(_("Poll at most every 5 seconds."))
        return interval

    def check_for_protocol(self, cls: ProtocolClass, data: dict[str, Any]) -> None:
        if not issubclass(cls, IncomingMailbox):
            return
        if not cls.supports_folders:
            for name in ("processed_folder", "error_folder"):
                if data.get(name):
                    self.add_error(name, _("POP3 has no folders: processed mail is deleted, failed mail stays."))
        elif cls.folders_required and not parse_folder_list(data.get("folders", "")):
            self.add_error("folders", _("Name at least one folder, e.g. INBOX."))


# The card's fields that only some protocols read (each protocol class lists its `card_fields`).
SWITCHED_FIELDS = (
    "host",
    "port",
    "encryption",
    "verify_certificate",
    "auth",
    "login",
    "password",
    "oauth2",
    "client_id",
    "tenant_id",
    "client_secret",
    "ews_url",
    "folders",
    "processed_folder",
    "error_folder",
)
_OAUTH_FIELDS = (".field-client_id", ".field-tenant_id", ".field-client_secret")


def protocol_field_css(model: type[MailConnection]) -> str:
    """CSS that shows a card only the fields of the chosen protocol, and the OAuth2 application
    fields only with OAuth2 on, the password only with it off, SMTP's login only with
    authentication on. `:has()` follows the select and the checkboxes as they change, so the card
    adapts without JavaScript, and without a reload; a browser without `:has()` shows every field."""

    def chosen(kind: str) -> str:
        return f'form:has(#id_protocol option[value="{kind}"]:checked)'

    rules: list[str] = []
    for kind, cls in REGISTRIES[model].items():
        hidden = [f".field-{name}" for name in SWITCHED_FIELDS if name not in cls.card_fields]
        if hidden:
            rules.append(f"{chosen(kind)} :is({', '.join(hidden)}) {{ display: none; }}")
        if cls.token_only:
            continue  # always a token: the application fields stay whatever the checkbox says
        oauth = f"{chosen(kind)}:has(#id_oauth2:not(:checked))"
        rules.append(f"{oauth} :is({', '.join(_OAUTH_FIELDS)}) {{ display: none; }}")
        rules.append(f"{chosen(kind)}:has(#id_oauth2:checked) .field-password {{ display: none; }}")
        if "auth" in cls.card_fields:
            rules.append(f"{oauth}:has(#id_auth:not(:checked)) :is(.field-login, .field-password) {{ display: none; }}")
    return "\n".join(rules)


def save_connection_form(form: OutgoingConnectionForm) -> OutgoingConnection:
    """Save the outgoing card's (or an import's) validated form, then `settings_saved`."""
    conn: OutgoingConnection = form.save()
    settings_saved(form, conn)
    return conn


def settings_saved(form: OutgoingConnectionForm, conn: OutgoingConnection) -> None:
    """Announce changed outgoing settings (MikoPBX's rule: the outbox then mails a test message to
    the administrator address, which proves the new settings work end to end)."""
    changed = form.changed_data or any(form.cleaned_data.get(n) for n in SECRET_FIELDS)
    if changed:
        outgoing_settings_changed.send(OutgoingConnection, connection=conn)

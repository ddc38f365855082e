"""The single outgoing mail connection with its send parameters and company mail settings."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .secrets import EncryptedCredentialsMixin


class OutgoingProtocol(models.TextChoices):
    SMTP = "smtp", "SMTP"
    EWS = "ews", _("EWS (on-premises Exchange)")
    GRAPH = "graph", _("Microsoft 365 (Microsoft Graph)")


class Encryption(models.TextChoices):
    SSL = "ssl", "SSL"
    STARTTLS = "starttls", "TLS (STARTTLS)"
    NONE = "none", _("none")


class CheckStatus(models.TextChoices):
    NEVER = "", _("never checked")
    SUCCESS = "success", _("success")
    ERROR = "error", _("error")


class OutgoingConnection(EncryptedCredentialsMixin, models.Model):
    """One row (pk=1): how the product sends mail. `OutgoingConnection.load()` returns it.

    Secrets are kept only encrypted (`*_encrypted`); read and write them through the properties.
    Status fields are written by the "Check" button and by every delivery attempt.
    """

    SINGLETON_PK = 1

    protocol = models.CharField(_("protocol"), max_length=8, choices=OutgoingProtocol.choices, default="smtp")
    enabled = models.BooleanField(_("enabled"), default=True)
    host = models.CharField(
        _("server"), max_length=255, blank=True, help_text=_("IP address or DNS name; the prefix ssl:// means SSL.")
    )
    port = models.PositiveIntegerField(
        _("port"), null=True, blank=True, help_text=_("Empty: 465 for SSL, 587 for TLS and no encryption.")
    )
    encryption = models.CharField(_("encryption"), max_length=8, choices=Encryption.choices, default="starttls")
    verify_certificate = models.BooleanField(
        _("verify server certificate"),
        default=True,
        help_text=_("Turn off only for a server with a self-signed certificate."),
    )
    auth = models.BooleanField(_("SMTP authentication"), default=False)
    login = models.CharField(_("login"), max_length=255, blank=True)
    password_encrypted = models.TextField(editable=False, blank=True)
    oauth2 = models.BooleanField(_("OAuth2 authentication"), default=False)
    client_id = models.CharField(_("application (client) id"), max_length=100, blank=True)
    tenant_id = models.CharField(_("directory (tenant) id"), max_length=100, blank=True)
    client_secret_encrypted = models.TextField(editable=False, blank=True)
    ews_url = models.URLField(
        _("EWS server URL"), max_length=500, blank=True, help_text=_("The full URL of Exchange.asmx.")
    )
    oauth_token_encrypted = models.TextField(editable=False, blank=True)
    oauth_token_expires_at = models.DateTimeField(_("access token valid until"), null=True, blank=True, editable=False)

    from_address = models.EmailField(_("system e-mail address (From)"), blank=True)
    reply_to = models.EmailField(_("support desk e-mail address (Reply-To)"), blank=True)
    sender_name = models.CharField(_("sender name"), max_length=200, blank=True)
    signature = models.TextField(_("signature for notifications"), blank=True)
    notify_unregistered = models.BooleanField(_("send notifications to unregistered users"), default=False)
    notifications_enabled = models.BooleanField(
        _("use e-mail notifications"),
        default=True,
        help_text=_("Off: no notification mail is sent; test and system mail still are."),
    )
    admin_email = models.EmailField(
        _("administrator e-mail"),
        blank=True,
        help_text=_("Receives a test message when settings change, and system notifications."),
    )

    check_status = models.CharField(_("status"), max_length=8, choices=CheckStatus.choices, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    last_checked_at = models.DateTimeField(_("last connection"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(_("last successful connection"), null=True, blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0, editable=False)
    # Administrator alerts currently raised: {"failures"|"token"|"stuck": ISO time}; cleared on recovery.
    alerts = models.JSONField(default=dict, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")

    def __str__(self) -> str:
        return str(_("Outgoing mail"))

    @classmethod
    def load(cls) -> OutgoingConnection:
        obj, _created = cls.objects.get_or_create(pk=cls.SINGLETON_PK)
        return obj

    def save(self, *args: object, **kwargs: object) -> None:
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    def missing_send_parameters(self) -> list[str]:
        """Labels of the mandatory send parameters that are empty (sending is refused until set)."""
        fields = ("reply_to", "from_address", "sender_name")
        return [str(self._meta.get_field(f).verbose_name) for f in fields if not getattr(self, f).strip()]

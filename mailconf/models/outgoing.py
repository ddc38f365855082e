"""The single outgoing mail connection with its send parameters and company mail settings."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import Encryption, MailConnection


class OutgoingProtocol(models.TextChoices):
    SMTP = "smtp", "SMTP"
    EWS = "ews", _("EWS (on-premises Exchange)")
    GRAPH = "graph", _("Microsoft 365 (Microsoft Graph)")


class OutgoingConnection(MailConnection):
    """One row (pk=1): how the product sends mail. `OutgoingConnection.load()` returns it.

    Secrets are kept only encrypted (`*_encrypted`); read and write them through the properties.
    Status fields are written by the "Check" button and by every delivery attempt.
    """

    SINGLETON_PK = 1
    # Administrator alerts: the connection keeps failing, the token cannot be renewed, mail is stuck.
    ALERT_KEYS: ClassVar[frozenset[str]] = frozenset({"failures", "token", "stuck"})

    protocol = models.CharField(_("protocol"), max_length=8, choices=OutgoingProtocol.choices, default="smtp")
    host = models.CharField(
        _("server"), max_length=255, blank=True, help_text=_("IP address or DNS name; the prefix ssl:// means SSL.")
    )
    port = models.PositiveIntegerField(
        _("port"), null=True, blank=True, help_text=_("Empty: 465 for SSL, 587 for TLS and no encryption.")
    )
    encryption = models.CharField(_("encryption"), max_length=8, choices=Encryption.choices, default="starttls")
    auth = models.BooleanField(_("SMTP authentication"), default=False)
    login = models.CharField(_("login"), max_length=255, blank=True)
    ews_url = models.URLField(
        _("EWS server URL"), max_length=500, blank=True, help_text=_("The full URL of Exchange.asmx.")
    )

    from_address = models.EmailField(_("system e-mail address (From)"), blank=True)
    reply_to = models.EmailField(_("support desk e-mail address (Reply-To)"), blank=True)
    sender_name = models.CharField(_("sender name"), max_length=200, blank=True)
    signature = models.TextField(_("signature for notifications"), blank=True)
    # On by default: the base agreement lets anybody register a ticket by e-mail, and such a person
    # must learn the ticket's number and read the public replies. A technologist may turn it off.
    notify_unregistered = models.BooleanField(_("send notifications to unregistered users"), default=True)
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

    last_error = models.TextField(_("last error"), blank=True, editable=False)
    # Administrator alerts currently raised: {"failures"|"token"|"stuck": ISO time}; cleared on recovery.
    alerts = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")

    def __str__(self) -> str:
        return str(_("Outgoing mail"))

    @classmethod
    def load(cls) -> OutgoingConnection:
        obj, _created = cls.objects.get_or_create(pk=cls.SINGLETON_PK)
        return obj

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    def claim_alert(self, key: str) -> bool:
        if key not in self.ALERT_KEYS:
            return False
        with transaction.atomic():
            row = OutgoingConnection.objects.select_for_update().filter(pk=self.SINGLETON_PK).first()
            if row is None or key in row.alerts:
                return False
            self.alerts = {**row.alerts, key: timezone.now().isoformat()}
            OutgoingConnection.objects.filter(pk=row.pk).update(alerts=self.alerts)
        return True

    def release_alert(self, key: str) -> None:
        with transaction.atomic():
            row = OutgoingConnection.objects.select_for_update().filter(pk=self.SINGLETON_PK).first()
            if row is not None and key in row.alerts:
                self.alerts = {k: v for k, v in row.alerts.items() if k != key}
                OutgoingConnection.objects.filter(pk=row.pk).update(alerts=self.alerts)

    def missing_send_parameters(self) -> list[str]:
        """Labels of the mandatory send parameters that are empty (sending is refused until set)."""
        values = {"reply_to": self.reply_to, "from_address": self.from_address, "sender_name": self.sender_name}
        labels = {f.name: str(f.verbose_name) for f in self._meta.fields}
        return [labels[name] for name, value in values.items() if not value.strip()]

"""Signed webhooks: an endpoint a technologist configured, and the log of every call to it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.mailbridge import decrypt, encrypt

DEFAULT_PAYLOAD = """{
  "event": "EVENT_CODE",
  "event_id": "EVENT_ID",
  "ticket": "TICKET_NUMBER",
  "subject": "TICKET_SUBJECT",
  "status": "TICKET_STATUS",
  "priority": "TICKET_PRIORITY",
  "url": "TICKET_URL"
}"""


class Webhook(models.Model):
    """One endpoint. Event actions with the channel "Webhook" chosen here post to it.

    The secret is kept only encrypted (`secret_encrypted`); read and write it through `secret`.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    url = models.URLField(_("URL"), max_length=1000, help_text=_("Only http:// and https:// addresses."))
    secret_encrypted = models.TextField(blank=True, editable=False)
    payload = models.TextField(
        _("payload template"),
        default=DEFAULT_PAYLOAD,
        help_text=_(
            "JSON with placeholders inside strings; their values are JSON-escaped. "
            "EVENT_CODE and EVENT_ID are available besides the event's placeholders."
        ),
    )
    actions = models.ManyToManyField(
        "notifications.EventAction",
        verbose_name=_("event actions"),
        blank=True,
        related_name="webhooks",
        limit_choices_to={"channel": "webhook"},
        help_text=_("Event actions with the channel “Webhook” that call this address."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0, editable=False)
    disabled_reason = models.CharField(_("why it was switched off"), max_length=500, blank=True, editable=False)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def secret(self) -> str:
        return decrypt(self.secret_encrypted) if self.secret_encrypted else ""

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_encrypted = encrypt(value) if value else ""


class WebhookDelivery(models.Model):
    """One event for one webhook: the body is frozen when queued, so every retry sends the same bytes."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    webhook = models.ForeignKey(Webhook, verbose_name=_("webhook"), on_delete=models.CASCADE, related_name="deliveries")
    occurrence_id = models.BigIntegerField(_("event"), null=True, blank=True)
    event = models.CharField(_("event"), max_length=80)
    body = models.TextField(_("body"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next try"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=1000, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook call")
        verbose_name_plural = _("webhook delivery log")
        ordering = ["-id"]
        indexes = [models.Index(fields=["next_attempt_at"], name="webhook_due", condition=Q(status="queued"))]

    def __str__(self) -> str:
        return f"{self.webhook_id}: {self.event} ({self.status})"

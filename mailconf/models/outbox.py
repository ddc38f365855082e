"""The outbox: every message the product sends is a row before it is a packet."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    PARTIAL = "partial", _("partly sent")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")
    SKIPPED = "skipped", _("not sent (suppressed)")


class RecipientStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    SUPPRESSED = "suppressed", _("suppressed")


class OutboxKind(models.TextChoices):
    NOTIFICATION = "notification", _("notification")
    REPLY = "reply", _("reply")
    SYSTEM = "system", _("system")
    TEST = "test", _("test")


class OutboxMessage(models.Model):
    """One message and its delivery bookkeeping.

    `recipients` maps each envelope address to {"status": RecipientStatus, "error": str, "kind": "to"|"cc"};
    a retry sends only to the pending ones. `raw` is the exact RFC 5322 message, frozen once the send
    parameters exist, so a retry resends the same bytes (same Message-ID). A row in SENDING whose
    `lease_until` has passed belongs to a worker that died: it is due again.
    """

    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=OutboxKind.choices, default="notification")
    status = models.CharField(_("status"), max_length=10, choices=OutboxStatus.choices, default="queued")
    recipients = models.JSONField(_("recipients"), default=dict)
    subject = models.CharField(_("subject"), max_length=998, blank=True)
    text = models.TextField(_("text"), blank=True)
    html = models.TextField(_("HTML"), blank=True)
    reply_to = models.CharField(_("Reply-To"), max_length=320, blank=True)
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=255, blank=True)
    references = models.JSONField(_("References"), default=list, blank=True)
    auto_submitted = models.BooleanField(_("automatic"), default=True)
    # A plain id rather than a foreign key: the record of what was sent outlives the ticket.
    ticket_id = models.BigIntegerField(_("ticket"), null=True, blank=True, db_index=True)
    raw = models.BinaryField(null=True, blank=True, editable=False)

    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next try"), null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_attempt_at = models.DateTimeField(_("last try"), null=True, blank=True)
    # Temporary failures are retried until then; after it the message fails with its last error.
    give_up_at = models.DateTimeField(_("retry until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # The kind of a delivery failure (protocols.errors.Reason), worded when shown; empty for
    # per-recipient refusals and for texts written in words already.
    last_error_reason = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="outbox_due", condition=Q(status="queued")),
            models.Index(fields=["lease_until"], name="outbox_leased", condition=Q(status="sending")),
            models.Index(fields=["status", "sent_at"], name="outbox_status_sent"),
        ]

    def __str__(self) -> str:
        return self.subject or self.message_id

    def addresses(self, status: str | None = None, kind: str | None = None) -> list[str]:
        return [
            addr
            for addr, info in self.recipients.items()
            if (status is None or info.get("status") == status) and (kind is None or info.get("kind") == kind)
        ]

    @property
    def to_display(self) -> str:
        return ", ".join(self.recipients)


class OutboxAttachment(models.Model):
    """A file attached to an outbox message, kept until the message is built."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=200, default="application/octet-stream")
    content = models.BinaryField()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename

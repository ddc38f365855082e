"""The mail canary: a tagged test mail sent round the whole mail path, timed until recognised.

There is one outgoing connection, so a pair "outgoing connection × mailbox" is one canary row per
mailbox. Each send is a probe row (sent, then received or never); the canary keeps the summary the
cards and /health show, and its alert state, so the administrator is told once per trouble.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .incoming import IncomingConnection


class CanaryState(models.TextChoices):
    OK = "ok", _("delivered in time")
    WAITING = "waiting", _("no probe received yet")
    LATE = "late", _("late")
    LOST = "lost", _("lost")


class MailCanary(models.Model):
    incoming = models.OneToOneField(
        IncomingConnection, verbose_name=_("mailbox"), on_delete=models.CASCADE, related_name="canary"
    )
    enabled = models.BooleanField(_("send canary mail"), default=False)
    address = models.EmailField(
        _("canary address"), blank=True, help_text=_("Where the test mail goes; empty: the mailbox's login.")
    )
    interval_minutes = models.PositiveIntegerField(_("every, minutes"), default=15)
    late_after_minutes = models.PositiveIntegerField(
        _("late after, minutes"), default=10, help_text=_("A probe not recognised by then is reported as late.")
    )
    lost_after_minutes = models.PositiveIntegerField(
        _("lost after, minutes"), default=60, help_text=_("A probe not recognised by then is reported as lost.")
    )
    next_send_at = models.DateTimeField(_("next probe"), null=True, blank=True, editable=False)
    last_sent_at = models.DateTimeField(_("last probe sent"), null=True, blank=True, editable=False)
    last_proven_at = models.DateTimeField(_("last proven delivery"), null=True, blank=True, editable=False)
    last_lag_seconds = models.FloatField(_("lag, seconds"), null=True, blank=True, editable=False)
    # The alert last sent ("late" or "lost"); empty once a probe arrives again.
    alert = models.CharField(max_length=8, blank=True, editable=False)

    class Meta:
        verbose_name = _("mail canary")
        verbose_name_plural = _("mail canaries")
        indexes = [models.Index(fields=["next_send_at"], name="canary_due", condition=Q(enabled=True))]

    def __str__(self) -> str:
        return str(_("Mail canary of %(name)s") % {"name": self.incoming.name})

    @property
    def target(self) -> str:
        return self.address or self.incoming.login


class CanaryProbe(models.Model):
    canary = models.ForeignKey(MailCanary, on_delete=models.CASCADE, related_name="probes")
    token = models.CharField(max_length=32, unique=True)
    sent_at = models.DateTimeField(_("sent"))
    outbox_id = models.BigIntegerField(_("outbox message"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    lag_seconds = models.FloatField(_("lag, seconds"), null=True, blank=True)

    class Meta:
        verbose_name = _("canary probe")
        verbose_name_plural = _("canary probes")
        indexes = [models.Index(fields=["canary", "sent_at"], name="probe_pending", condition=Q(received_at=None))]

    def __str__(self) -> str:
        return self.token

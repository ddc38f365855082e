"""Escalation schemes and levels (System settings → Escalation), and the bookkeeping that makes
each level fire exactly once per object.

A scheme watches one deadline: a ticket's reaction or resolution time, a task's or an approval's
deadline. Its levels fire at a share of the time (75 % of an 8-hour resolution time is 6 working
hours after the clock started) or at an offset in working time before (-) or after (+) the
deadline. A level notifies through event actions of the escalation events (recipients and
templates exactly as any event action), reassigns, raises the priority.

`EscalationTrack` is one row per (scheme, object) with `next_at`, the indexed moment its next
pending level is due; the scheduler claims due rows with SKIP LOCKED. `fired` lists the levels
already fired; `EscalationFiring` is the durable record with a unique (level, object) key.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EVENT_TICKET = "escalation.ticket"
EVENT_TASK = "escalation.task"
EVENT_APPROVAL = "escalation.approval"


class Target(models.TextChoices):
    TICKET_REACTION = "ticket_reaction", _("ticket: reaction time")
    TICKET_RESOLUTION = "ticket_resolution", _("ticket: resolution time")
    TASK = "task", _("task: deadline")
    APPROVAL = "approval", _("approval: deadline")


TARGET_EVENTS = {
    Target.TICKET_REACTION: EVENT_TICKET,
    Target.TICKET_RESOLUTION: EVENT_TICKET,
    Target.TASK: EVENT_TASK,
    Target.APPROVAL: EVENT_APPROVAL,
}
TARGETS_OF_KIND = {
    "ticket": (Target.TICKET_REACTION, Target.TICKET_RESOLUTION),
    "task": (Target.TASK,),
    "approval": (Target.APPROVAL,),
}


class Trigger(models.TextChoices):
    SHARE = "share", _("share of the time")
    OFFSET = "offset", _("before or after the deadline")


class EscalationScheme(models.Model):
    code = models.SlugField(
        _("code"), max_length=80, blank=True, db_index=True, help_text=_("Set on the schemes shipped with the product.")
    )
    name = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    target = models.CharField(_("deadline watched"), max_length=20, choices=Target.choices)
    enabled = models.BooleanField(_("enabled"), default=True)
    position = models.PositiveIntegerField(
        _("order"), default=0, help_text=_("For one deadline, the first enabled scheme whose conditions hold is used.")
    )
    ticket_types = models.ManyToManyField(
        "servicedesk.TicketType", verbose_name=_("ticket types"), blank=True, related_name="+"
    )
    services = models.ManyToManyField("servicedesk.Service", verbose_name=_("services"), blank=True, related_name="+")
    agreements = models.ManyToManyField(
        "servicedesk.Agreement", verbose_name=_("agreements"), blank=True, related_name="+"
    )
    priorities = models.JSONField(_("priorities"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("escalation scheme")
        verbose_name_plural = _("escalation schemes")
        ordering = ["target", "position", "pk"]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name

    @property
    def event(self) -> str:
        return TARGET_EVENTS[Target(self.target)]


class EscalationLevel(models.Model):
    scheme = models.ForeignKey(
        EscalationScheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="levels"
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=200, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    trigger = models.CharField(_("fires at"), max_length=8, choices=Trigger.choices, default=Trigger.SHARE)
    percent = models.PositiveSmallIntegerField(
        _("share of the time, %"), null=True, blank=True, help_text=_("At 100 the level fires at the deadline itself.")
    )
    offset_minutes = models.IntegerField(
        _("offset, working minutes"),
        null=True,
        blank=True,
        help_text=_("Negative: before the deadline; positive: after it. Counted in working time."),
    )
    hold_to_working_hours = models.BooleanField(
        _("hold to the recipient's working hours"),
        default=False,
        help_text=_("Outside them the notification waits for the recipient's next working hour."),
    )
    is_urgent = models.BooleanField(
        _("urgent"),
        default=False,
        help_text=_("Its notifications go out at once, through quiet hours and digests."),
    )
    notify = models.ManyToManyField(
        "notifications.EventAction",
        verbose_name=_("notifications"),
        blank=True,
        related_name="escalation_levels",
        limit_choices_to={"event__in": sorted(set(TARGET_EVENTS.values()))},
        help_text=_("Event actions of the escalation events: recipients and templates as in “Event actions”."),
    )
    reassign_employee = models.ForeignKey(
        "servicedesk.Employee",
        verbose_name=_("reassign to employee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reassign_team = models.ForeignKey(
        "servicedesk.Team",
        verbose_name=_("reassign to team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raise_priority = models.BooleanField(_("raise the priority one step"), default=False)

    class Meta:
        verbose_name = _("escalation level")
        verbose_name_plural = _("escalation levels")
        ordering = ["scheme", "position", "pk"]

    def __str__(self) -> str:
        return self.name or self.when_label()

    def when_label(self) -> str:
        if self.trigger == Trigger.SHARE:
            return f"{self.percent or 0} %"
        minutes = self.offset_minutes or 0
        sign = "+" if minutes >= 0 else "−"
        hours, rest = divmod(abs(minutes), 60)
        return f"{sign}{hours}:{rest:02d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        EscalationScheme.objects.filter(pk=self.scheme_id).update(updated_at=timezone.now())

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        scheme_id = self.scheme_id
        result = super().delete(*args, **kwargs)
        EscalationScheme.objects.filter(pk=scheme_id).update(updated_at=timezone.now())
        return result


class EscalationTrack(models.Model):
    scheme = models.ForeignKey(EscalationScheme, on_delete=models.CASCADE, related_name="tracks")
    object_id = models.BigIntegerField(_("object"))
    next_at = models.DateTimeField(_("next escalation at"), null=True, blank=True)
    fired = models.JSONField(_("fired levels"), default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("escalation track")
        verbose_name_plural = _("escalation tracks")
        constraints = [models.UniqueConstraint(fields=["scheme", "object_id"], name="track_unique_object")]
        indexes = [models.Index(fields=["next_at"], name="track_due", condition=Q(next_at__isnull=False))]

    def __str__(self) -> str:
        return f"{self.scheme} · #{self.object_id}"


class EscalationFiring(models.Model):
    level = models.ForeignKey(
        EscalationLevel, verbose_name=_("level"), on_delete=models.CASCADE, related_name="firings"
    )
    object_id = models.BigIntegerField(_("object"))
    ticket = models.ForeignKey(
        "servicedesk.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    due_at = models.DateTimeField(_("due"))
    fired_at = models.DateTimeField(_("fired"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    # Set when someone confirms they have seen the alert ("Acknowledge" under a Telegram message).
    acknowledged_by = models.ForeignKey(
        "servicedesk.User",
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)

    class Meta:
        verbose_name = _("escalation fired")
        verbose_name_plural = _("escalation journal")
        ordering = ["-fired_at"]
        constraints = [models.UniqueConstraint(fields=["level", "object_id"], name="firing_unique_level_object")]
        indexes = [models.Index(fields=["ticket", "fired_at"], name="firing_ticket")]

    def __str__(self) -> str:
        return f"{self.level} · #{self.object_id}"

    @property
    def late_by_seconds(self) -> float:
        return (self.fired_at - self.due_at).total_seconds()

"""Telephony: the PBXs that report to us, their API tokens, the calls they reported (missed calls
and voicemail), the pending missed-call mails that group several calls into one, the technologist's
settings and the call-back rules."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.models import Contact, Employee, Priority, Service, Ticket, TicketType


class Pbx(models.Model):
    """A telephone exchange allowed to report calls. Its calls are keyed by (PBX, kind, call_id)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("PBX")
        verbose_name_plural = _("PBXs and API tokens")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PbxToken(models.Model):
    """A bearer token of one PBX. Only its SHA-256 is stored; the token is shown once, at creation."""

    pbx = models.ForeignKey(Pbx, verbose_name=_("PBX"), on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        _("beginning of the token"), max_length=16, editable=False, help_text=_("Enough to recognise it; not usable.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.pbx} · {self.prefix}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class CallKind(models.TextChoices):
    MISSED = "missed", _("Missed call")
    VOICEMAIL = "voicemail", _("Voicemail")


class PbxCall(models.Model):
    """One missed call or voicemail as the PBX reported it, with what we matched it to.

    The caller id, the called number and the cause are kept exactly as sent; the parsed name and
    number and the normalised digits serve the placeholders and the matching of client contacts.
    """

    pbx = models.ForeignKey(Pbx, verbose_name=_("PBX"), on_delete=models.PROTECT, related_name="calls")
    kind = models.CharField(_("kind"), max_length=16, choices=CallKind.choices)
    call_id = models.CharField(_("call id"), max_length=128, blank=True)
    caller_id = models.CharField(_("caller id"), max_length=255, blank=True)
    caller_name = models.CharField(_("caller name"), max_length=255, blank=True)
    caller_number = models.CharField(_("caller number"), max_length=64, blank=True)
    caller_digits = models.CharField(max_length=32, blank=True, editable=False)
    to = models.CharField(_("called number"), max_length=255)
    duration = models.PositiveIntegerField(_("duration, seconds"), default=0)
    called_at = models.DateTimeField(_("date of the call"))
    cause = models.CharField(_("cause"), max_length=64, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    employees = models.ManyToManyField(
        Employee, verbose_name=_("employees who missed it"), blank=True, related_name="pbx_calls"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("client contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pbx_calls",
    )
    audio = models.FileField(_("recording"), upload_to="telephony/voicemail/%Y/%m/", blank=True)
    audio_name = models.CharField(_("file name"), max_length=255, blank=True)
    audio_type = models.CharField(_("content type"), max_length=100, blank=True)
    audio_size = models.PositiveIntegerField(_("size, bytes"), default=0)
    audio_seconds = models.FloatField(_("length of the recording, seconds"), null=True, blank=True)
    # Where the voicemail mail went: [{"address": ..., "outbox_id": ...}]; a note when it did not.
    mailed = models.JSONField(_("mailed to"), default=list, blank=True)
    mail_note = models.CharField(_("mail note"), max_length=255, blank=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    callback_ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("call-back ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    callback_error = models.CharField(_("call-back ticket not opened"), max_length=500, blank=True)
    # Background step after intake (call-back rules): due until done; the sweeper retries it.
    process_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    processed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-called_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pbx", "kind", "call_id"], condition=~Q(call_id=""), name="pbxcall_unique_call_id"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "called_at"], name="pbxcall_kind_at"),
            models.Index(fields=["caller_digits", "called_at"], name="pbxcall_caller_at"),
            models.Index(fields=["process_due_at"], name="pbxcall_due", condition=Q(processed_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.caller_id or '—'} → {self.to}"

    @property
    def caller_display(self) -> str:
        if self.caller_name and self.caller_number:
            return f"{self.caller_name} <{self.caller_number}>"
        return self.caller_name or self.caller_number or self.caller_id


class MissedCallDigest(models.Model):
    """The missed-call mail to one address that is still collecting calls until `due_at`.

    At most one open digest per address (partial unique index), so concurrent calls join the same
    one; the sweeper sends it once, listing its calls, and stamps `sent_at`.
    """

    class Outcome(models.TextChoices):
        QUEUED = "queued", _("In the outbox")
        SUPPRESSED = "suppressed", _("E-mail notifications are turned off")

    address = models.CharField(_("address"), max_length=320)
    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(_("language"), max_length=8, default="ru")
    calls = models.ManyToManyField(PbxCall, verbose_name=_("calls"), related_name="digests")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    due_at = models.DateTimeField(_("send at"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    outbox_id = models.BigIntegerField(_("outbox message"), null=True, blank=True)

    class Meta:
        verbose_name = _("missed-call mail")
        verbose_name_plural = _("missed-call mails")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["address"], condition=Q(sent_at__isnull=True), name="digest_one_open"),
        ]
        indexes = [models.Index(fields=["due_at"], name="digest_due", condition=Q(sent_at__isnull=True))]

    def __str__(self) -> str:
        return self.address


class TelephonySettings(models.Model):
    """One row: the addresses and templates of "System settings → Telephony" (seed 001)."""

    SINGLETON_PK = 1

    missed_calls_email = models.EmailField(
        _("e-mail for missed call notifications"),
        blank=True,
        help_text=_(
            "Missed calls go to the e-mail on the employee card; a call that matches no employee, "
            "or an employee without e-mail, goes to this common address."
        ),
    )
    voicemail_email = models.EmailField(
        _("single e-mail for voicemail messages"),
        blank=True,
        help_text=_("Every voicemail is always sent here, besides every employee who missed the call."),
    )
    missed_window_seconds = models.PositiveIntegerField(
        _("group missed calls within, seconds"),
        default=120,
        help_text=_(
            "Missed calls to one address within this time go out as one mail listing them. 0: a mail per call."
        ),
    )
    missed_subject_ru = models.CharField(_("subject (Russian)"), max_length=500, blank=True)
    missed_body_ru = models.TextField(_("text (Russian)"), blank=True)
    missed_footer_ru = models.TextField(_("footer (Russian)"), blank=True)
    missed_subject_en = models.CharField(_("subject (English)"), max_length=500, blank=True)
    missed_body_en = models.TextField(_("text (English)"), blank=True)
    missed_footer_en = models.TextField(_("footer (English)"), blank=True)
    voicemail_subject_ru = models.CharField(_("subject (Russian)"), max_length=500, blank=True)
    voicemail_body_ru = models.TextField(_("text (Russian)"), blank=True)
    voicemail_footer_ru = models.TextField(_("footer (Russian)"), blank=True)
    voicemail_subject_en = models.CharField(_("subject (English)"), max_length=500, blank=True)
    voicemail_body_en = models.TextField(_("text (English)"), blank=True)
    voicemail_footer_en = models.TextField(_("footer (English)"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    MISSED_FIELDS = (
        "missed_subject_ru",
        "missed_body_ru",
        "missed_footer_ru",
        "missed_subject_en",
        "missed_body_en",
        "missed_footer_en",
    )
    VOICEMAIL_FIELDS = (
        "voicemail_subject_ru",
        "voicemail_body_ru",
        "voicemail_footer_ru",
        "voicemail_subject_en",
        "voicemail_body_en",
        "voicemail_footer_en",
    )

    class Meta:
        verbose_name = _("telephony settings")
        verbose_name_plural = _("telephony settings")

    def __str__(self) -> str:
        return str(_("Telephony settings"))

    @classmethod
    def load(cls, max_age: float = 0.0) -> TelephonySettings:
        """The row (created with the shipped templates on first use). `max_age` > 0: a copy read by
        this process at most that many seconds ago will do (the hot path of the PBX API)."""
        cached = _settings_cache.get("row")
        if max_age > 0 and cached is not None and time.monotonic() - cached[0] < max_age:
            return cached[1]
        obj = cls.objects.filter(pk=cls.SINGLETON_PK).first()
        if obj is None:
            from .defaults import template_defaults

            obj, _created = cls.objects.get_or_create(pk=cls.SINGLETON_PK, defaults=template_defaults())
        _settings_cache["row"] = (time.monotonic(), obj)
        return obj

    def save(self, *args: object, **kwargs: object) -> None:
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        _settings_cache.clear()

    def template_for(self, kind: str, language: str) -> dict[str, str]:
        """subject/body/footer of `kind` ("missed"/"voicemail") in `language`, else the other one."""
        first, second = ("en", "ru") if language.startswith("en") else ("ru", "en")
        return {
            part: getattr(self, f"{kind}_{part}_{first}") or getattr(self, f"{kind}_{part}_{second}")
            for part in ("subject", "body", "footer")
        }


_settings_cache: dict[str, tuple[float, TelephonySettings]] = {}


class CallbackRule(models.Model):
    """Open a call-back ticket when a known client contact leaves a voicemail or misses the line
    `missed_calls` times within `within_minutes`. The ticket's responsible follows the service."""

    name = models.CharField(_("name"), max_length=255)
    enabled = models.BooleanField(_("enabled"), default=True)
    on_voicemail = models.BooleanField(_("on a voicemail"), default=True)
    missed_calls = models.PositiveSmallIntegerField(
        _("on this many missed calls"), default=3, help_text=_("0: missed calls never open a ticket.")
    )
    within_minutes = models.PositiveIntegerField(_("within, minutes"), default=60)
    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="+")
    ticket_type = models.ForeignKey(
        TicketType, verbose_name=_("ticket type"), on_delete=models.PROTECT, related_name="+"
    )
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)

    class Meta:
        verbose_name = _("call-back rule")
        verbose_name_plural = _("call-back rules")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CallbackTicket(models.Model):
    """A ticket a rule opened for a contact; while it is open, further calls are added to it."""

    rule = models.ForeignKey(CallbackRule, on_delete=models.CASCADE, related_name="tickets")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["rule", "contact"], name="callback_rule_contact")]
        # Named for the permission list of the user card, where the class name would show in English.
        verbose_name = _("call-back ticket")
        verbose_name_plural = _("call-back tickets")

    def __str__(self) -> str:
        return f"{self.rule} → #{self.ticket_id}"

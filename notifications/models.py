"""Event actions (what to send on which event to whom), in-app notifications, preferences and the
delivery journal that rate limits are counted from."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import catalogue, channels


class Channel(models.TextChoices):
    """Codes of channels code refers to by name; the full list is the registry (`channels.choices`),
    the channels a person receives and can mute are `channels.personal_choices()`. The webhooks app
    registers "webhook" itself (webhooks/channel.py)."""

    EMAIL = "email", _("E-mail")
    PUSH = "push", _("In-app push")
    WEBHOOK = "webhook", _("Webhook")


class EventAction(models.Model):
    """One rule of "System settings → Event actions": on `event`, if the conditions hold, send the
    rendered template through `channel` to the chosen recipients."""

    code = models.SlugField(
        _("code"),
        max_length=80,
        blank=True,
        db_index=True,
        help_text=_("Set on the actions shipped with the product; empty on copies and new ones."),
    )
    name = models.CharField(_("name"), max_length=255)
    event = models.CharField(_("event"), max_length=80, db_index=True)
    channel = models.CharField(_("channel"), max_length=16, choices=channels.choices, default=Channel.EMAIL)
    enabled = models.BooleanField(_("enabled"), default=True)
    is_mandatory = models.BooleanField(
        _("mandatory"),
        default=False,
        help_text=_("Employees cannot mute a mandatory notification."),
    )
    is_urgent = models.BooleanField(
        _("urgent"),
        default=False,
        help_text=_("Goes out at once, through the recipient's quiet hours, digest and burst folding."),
    )
    # Conditions: an empty set means "any".
    ticket_types = models.ManyToManyField(
        "servicedesk.TicketType", verbose_name=_("ticket types"), blank=True, related_name="+"
    )
    services = models.ManyToManyField("servicedesk.Service", verbose_name=_("services"), blank=True, related_name="+")
    priorities = models.JSONField(_("priorities"), default=list, blank=True)
    teams = models.ManyToManyField("servicedesk.Team", verbose_name=_("teams"), blank=True, related_name="+")
    agreements = models.ManyToManyField(
        "servicedesk.Agreement", verbose_name=_("agreements"), blank=True, related_name="+"
    )
    statuses = models.JSONField(
        _("new status"),
        default=list,
        blank=True,
        help_text=_("For status changes: react only to these new statuses (none chosen: any status)."),
    )
    # Recipients.
    to_requester = models.BooleanField(_("requester"), default=False)
    to_responsible = models.BooleanField(_("responsible employee"), default=False)
    to_team = models.BooleanField(_("members of the responsible team"), default=False)
    to_watchers = models.BooleanField(_("watchers"), default=False)
    to_agreement_recipients = models.BooleanField(_("recipients of the agreement"), default=False)
    to_team_leader = models.BooleanField(_("leader of the responsible team"), default=False)
    to_assignees = models.BooleanField(
        _("people the event is about"),
        default=False,
        help_text=_("The task's responsible employee or team members; the approvers who have not decided yet."),
    )
    groups = models.ManyToManyField("auth.Group", verbose_name=_("user groups"), blank=True, related_name="+")
    addresses = models.TextField(_("fixed addresses"), blank=True, help_text=_("E-mail addresses, one a line."))
    notify_actor = models.BooleanField(
        _("notify the author of the change"),
        default=False,
        help_text=_("Off: the person whose action caused the event is not notified of it."),
    )
    from_responsible_mailbox = models.BooleanField(
        _("send from the responsible employee's personal mailbox"),
        default=False,
        help_text=_(
            "E-mail only: the letter leaves from the ticket's responsible employee's own mailbox when they "
            "have connected one and allowed sending from it in business processes; otherwise from the "
            "service desk's address."
        ),
    )
    # Template, in both languages; the recipient's language chooses.
    subject_ru = models.CharField(_("subject (Russian)"), max_length=500, blank=True)
    body_ru = models.TextField(_("text (Russian)"), blank=True)
    html_ru = models.TextField(_("HTML text (Russian)"), blank=True)
    footer_ru = models.TextField(_("footer (Russian)"), blank=True)
    subject_en = models.CharField(_("subject (English)"), max_length=500, blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    html_en = models.TextField(_("HTML text (English)"), blank=True)
    footer_en = models.TextField(_("footer (English)"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    TEMPLATE_FIELDS = ("subject_ru", "body_ru", "html_ru", "footer_ru", "subject_en", "body_en", "html_en", "footer_en")

    class Meta:
        verbose_name = _("event action")
        verbose_name_plural = _("event actions")
        ordering = ["event", "channel", "name"]
        indexes = [models.Index(fields=["event", "enabled"], name="eventaction_event_on")]

    def __str__(self) -> str:
        # The Web Push and Telegram twins carry the push action's name: in a picker (an escalation
        # level's notifications, a webhook's actions) only the channel tells the three apart.
        return f"{self.name} · {self.get_channel_display()}"

    @property
    def event_spec(self) -> catalogue.EventSpec | None:
        return catalogue.get_event(self.event)

    @property
    def event_label(self) -> str:
        spec = self.event_spec
        return str(spec.label) if spec else self.event

    @property
    def group(self) -> str:
        spec = self.event_spec
        return spec.group if spec else ""

    def template_for(self, language: str) -> dict[str, str]:
        """subject/body/html/footer in `language`, falling back to the other language where empty."""
        first, second = ("en", "ru") if language.startswith("en") else ("ru", "en")
        return {
            part: getattr(self, f"{part}_{first}") or getattr(self, f"{part}_{second}")
            for part in ("subject", "body", "html", "footer")
        }

    def fixed_addresses(self) -> list[str]:
        return [line.strip() for line in self.addresses.replace(",", "\n").splitlines() if line.strip()]


class Notification(models.Model):
    """An in-app notification: a row first, pushed to open browsers after commit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(_("event"), max_length=80)
    action = models.ForeignKey(
        EventAction, verbose_name=_("event action"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ticket = models.ForeignKey(
        "servicedesk.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=500)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["user", "id"], name="notification_user_id"),
            models.Index(fields=["user"], name="notification_user_unread", condition=Q(read_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.title

    def as_payload(self) -> dict[str, object]:
        """What the browser receives (stream and feed alike)."""
        return {
            "id": self.pk,
            "event": self.event,
            "title": self.title,
            "body": self.body[:500],
            "url": self.url,
            "created_at": self.created_at.isoformat(),
            "read": self.read_at is not None,
        }


class Preference(models.Model):
    """A muted (event group, channel) pair of one user. No row: the channel is on."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_mutes")
    group = models.CharField(_("event group"), max_length=40)
    channel = models.CharField(_("channel"), max_length=16, choices=channels.choices)

    class Meta:
        verbose_name = _("muted notification")
        verbose_name_plural = _("muted notifications")
        constraints = [models.UniqueConstraint(fields=["user", "group", "channel"], name="preference_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.group}/{self.channel}"


class Occurrence(models.Model):
    """One event that reached the notification machinery; the fan-out works from its id."""

    event = models.CharField(_("event"), max_length=80)
    ticket = models.ForeignKey(
        "servicedesk.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    # When the sweeper should take it up if its task never ran or failed (see tasks.fan_out_due).
    next_attempt_at = models.DateTimeField(_("next try"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("event journal")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="occurrence_due", condition=Q(processed_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.event} #{self.pk}"


class Delivery(models.Model):
    """One notification attempt for one recipient, sent or suppressed; rate limits count these."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        MUTED = "muted", _("Muted by the recipient")
        RATE_LIMITED = "rate_limited", _("Stopped by a rate limit")
        OWN_ADDRESS = "own_address", _("Our own address")
        HELD = "held", _("Held for quiet hours, a digest or a burst")

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="deliveries")
    action = models.ForeignKey(
        EventAction, verbose_name=_("event action"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=channels.choices)
    recipient = models.CharField(_("recipient"), max_length=320)
    ticket_id = models.BigIntegerField(_("ticket"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    outbox_id = models.BigIntegerField(_("outbox message"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(fields=["channel", "recipient", "created_at"], name="delivery_recipient_at"),
            models.Index(fields=["channel", "ticket_id", "created_at"], name="delivery_ticket_at"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient}: {self.status}"


class Dispatch(models.Model):
    """One message to one endpoint of a channel that talks to an outside service (a browser's push
    subscription, a Telegram chat): the outbox of those channels. Written in the
    fan-out's transaction, sent by `dispatch.deliver_due` after commit, retried by beat."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        DROPPED = "dropped", _("Endpoint gone")

    delivery = models.ForeignKey(
        Delivery, verbose_name=_("delivery"), null=True, blank=True, on_delete=models.CASCADE, related_name="dispatches"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=channels.choices)
    # What the channel needs to find the endpoint again, e.g. "subscription:12", "chat:4567".
    target = models.CharField(_("endpoint"), max_length=200)
    payload = models.JSONField(_("message"), default=dict)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next try"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("channel message")
        verbose_name_plural = _("channel messages")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="dispatch_due", condition=Q(status="pending")),
            models.Index(fields=["channel", "target"], name="dispatch_target"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.target}: {self.status}"


class PushSubscription(models.Model):
    """One browser's Web Push subscription (a desktop, a phone with the app installed). Dropped when
    the push service answers 404/410 or the person unsubscribes that browser in the profile."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(_("push service address"), max_length=1000, unique=True)
    p256dh = models.CharField(_("browser key"), max_length=200)
    auth = models.CharField(_("authentication secret"), max_length=100)
    device = models.CharField(_("device"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("subscribed"), default=timezone.now)
    last_success_at = models.DateTimeField(_("last delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("browser subscription")
        verbose_name_plural = _("browser subscriptions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.device or self.endpoint[:60]}"

    def as_info(self) -> dict[str, object]:
        """What pywebpush takes: the endpoint and the browser's keys."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class TelegramBot(models.Model):
    """The installation's Telegram bot (one row), connected by a technologist. The token is
    encrypted at rest and never shown again; `update_offset` is where long polling resumes."""

    SINGLETON_PK = 1

    enabled = models.BooleanField(_("enabled"), default=False)
    token_encrypted = models.TextField(_("bot token"), blank=True)
    username = models.CharField(
        _("bot username"), max_length=64, blank=True, help_text=_("Filled in by the check of the token.")
    )
    update_offset = models.BigIntegerField(_("next update"), default=0)
    checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("Telegram bot")
        verbose_name_plural = _("Telegram bot")

    def __str__(self) -> str:
        return f"@{self.username}" if self.username else str(_("Telegram bot"))

    @classmethod
    def load(cls) -> TelegramBot:
        bot, _created = cls.objects.get_or_create(pk=cls.SINGLETON_PK)
        return bot

    @property
    def token(self) -> str:
        from servicedesk.mailbridge import decrypt

        return decrypt(self.token_encrypted) if self.token_encrypted else ""

    def set_token(self, plain: str) -> None:
        from servicedesk.mailbridge import encrypt

        self.token_encrypted = encrypt(plain) if plain else ""


class TelegramAccount(models.Model):
    """An employee's Telegram chat with the bot. Linking: the profile shows a one-time code, the
    person sends it to the bot, the bot's update names the chat."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="telegram"
    )
    chat_id = models.BigIntegerField(_("chat"), null=True, blank=True, unique=True)
    telegram_username = models.CharField(_("Telegram username"), max_length=64, blank=True)
    code = models.CharField(_("link code"), max_length=16, null=True, blank=True, unique=True)
    code_expires_at = models.DateTimeField(_("code valid until"), null=True, blank=True)
    linked_at = models.DateTimeField(_("linked"), null=True, blank=True)

    class Meta:
        verbose_name = _("Telegram account")
        verbose_name_plural = _("Telegram accounts")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.telegram_username or self.chat_id or '—'}"


class DeliverySchedule(models.Model):
    """One person's quiet hours and digest; no row: everything goes out at once."""

    class Digest(models.TextChoices):
        OFF = "off", _("Each notification at once")
        INTERVAL = "interval", _("A digest every N minutes")
        DAILY = "daily", _("A daily digest")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_schedule"
    )
    quiet_from = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_to = models.TimeField(_("quiet hours until"), null=True, blank=True)
    quiet_outside_working_hours = models.BooleanField(
        _("quiet outside my working hours"),
        default=False,
        help_text=_("The non-working time of the schedule on your employee card counts as quiet hours."),
    )
    digest = models.CharField(_("digest"), max_length=10, choices=Digest.choices, default=Digest.OFF)
    digest_minutes = models.PositiveIntegerField(_("digest every, minutes"), default=60)
    digest_at = models.TimeField(_("daily digest at"), default=datetime.time(9, 0))

    class Meta:
        verbose_name = _("quiet hours and digest")
        verbose_name_plural = _("quiet hours and digests")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.digest}"


class HeldNotification(models.Model):
    """A rendered notification waiting for its recipient's quiet hours to end, their digest, or
    the end of a burst; released (alone or folded with the others due) by `quiet.release_due`."""

    class Reason(models.TextChoices):
        QUIET = "quiet", _("quiet hours")
        DIGEST = "digest", _("digest")
        BURST = "burst", _("burst")

    channel = models.CharField(_("channel"), max_length=16, choices=channels.choices)
    recipient = models.CharField(_("recipient"), max_length=320)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    email = models.CharField(_("e-mail"), max_length=320, blank=True)
    language = models.CharField(max_length=8, default="ru")
    event = models.CharField(_("event"), max_length=80)
    action = models.ForeignKey(EventAction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ticket_id = models.BigIntegerField(_("ticket"), null=True, blank=True)
    subject = models.CharField(_("title"), max_length=500)
    text = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    reason = models.CharField(_("why held"), max_length=8, choices=Reason.choices)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    release_at = models.DateTimeField(_("release at"))
    released_at = models.DateTimeField(_("released"), null=True, blank=True)

    class Meta:
        verbose_name = _("held notification")
        verbose_name_plural = _("held notifications")
        indexes = [models.Index(fields=["release_at"], name="held_due", condition=Q(released_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient}: {self.subject}"

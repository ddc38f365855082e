"""Incoming mail: named mailbox connections with their processing rule, and the mail ledger.

The ledger (`ProcessedMessage`) is both the exactly-once record and the technologists' mail log:
one row per message seen on a server, keyed by the connection and the server's own identity of
the message, written in the same transaction as the ticket or comment the message became.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import Encryption, MailConnection


class IncomingProtocol(models.TextChoices):
    POP3 = "pop3", "POP3"
    IMAP = "imap", "IMAP4"
    EWS = "ews", _("EWS (on-premises Exchange)")
    GRAPH = "graph", _("Microsoft 365 (Microsoft Graph)")


class AutoReplyAction(models.TextChoices):
    COMMENT = "comment", _("file as a private comment on its ticket")
    IGNORE = "ignore", _("ignore")


class UnregisteredRule(models.TextChoices):
    REFUSE = "refuse", _("do not register tickets")
    ADDRESS = "address", _("register with the sender's address only")
    CONTACT = "contact", _("register and create a contact in the company matched by mail domain")


class ClosedTicketRule(models.TextChoices):
    """What a client's reply to a closed or cancelled ticket becomes (Zammad's "follow-up possible",
    OTRS's follow-up options). A final ticket itself is never changed by it."""

    NEW_TICKET = "new_ticket", _("register a new ticket linked to the closed one")
    COMMENT = "comment", _("add a comment without reopening")
    REJECT = "reject", _("refuse with a reply mail")


class IncomingConnection(MailConnection):
    """One mailbox the product reads ("System settings → Mail → Connection parameters → Incoming mail").

    Secrets are stored only encrypted; use the `password` / `client_secret` properties. The
    polling fields (`next_poll_at`, `locked_until`) are written only by the poller: a worker owns
    the connection while `locked_until` is in the future (claimed with a conditional UPDATE).
    """

    # A mailbox remembers one administrator alert: its polls keep failing (`failure_alert_sent`).
    ALERT_KEYS: ClassVar[frozenset[str]] = frozenset({"failures"})

    name = models.CharField(_("name"), max_length=100, unique=True)
    protocol = models.CharField(_("protocol"), max_length=8, choices=IncomingProtocol.choices, default="imap")
    host = models.CharField(_("server"), max_length=255, blank=True, help_text=_("IP address or DNS name."))
    port = models.PositiveIntegerField(
        _("port"),
        null=True,
        blank=True,
        help_text=_("Empty: the protocol's default (POP3 110/995, IMAP4 143/993)."),
    )
    # The help text of ITSM 365 leaves SSL off by default, and also recommends encryption; a new
    # connection starts encrypted because a password in clear text is the worse surprise.
    encryption = models.CharField(_("encryption"), max_length=8, choices=Encryption.choices, default="ssl")
    login = models.CharField(_("login"), max_length=255, blank=True, help_text=_("The mailbox's e-mail address."))
    ews_url = models.URLField(
        _("EWS server URL"),
        max_length=500,
        blank=True,
        help_text=_("The full URL including the protocol, e.g. https://exchange.example.com/ews/Exchange.asmx."),
    )
    interval = models.PositiveIntegerField(_("polling interval, seconds"), default=60)
    folders = models.CharField(
        _("folders to scan"),
        max_length=1000,
        blank=True,
        default="INBOX",
        help_text=_('Paths like "INBOX/Support", separated by "," or ";"; "/" or "\\" separate path parts.'),
    )
    processed_folder = models.CharField(
        _("folder for processed mail"),
        max_length=255,
        blank=True,
        help_text=_("Empty: processed mail is deleted from the server."),
    )
    error_folder = models.CharField(
        _("folder for mail with errors"),
        max_length=255,
        blank=True,
        help_text=_("Empty: mail that could not be processed stays where it is."),
    )

    # --- processing rule ------------------------------------------------------------------------
    ticket_type = models.ForeignKey(
        "servicedesk.TicketType",
        verbose_name=_("ticket type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the first active ticket type."),
    )
    service = models.ForeignKey(
        "servicedesk.Service",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    agreement = models.ForeignKey(
        "servicedesk.Agreement",
        verbose_name=_("agreement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the requester's agreement, the base one when there are several."),
    )
    team = models.ForeignKey(
        "servicedesk.Team",
        verbose_name=_("responsible team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unregistered = models.CharField(
        _("mail from unregistered senders"),
        max_length=8,
        choices=UnregisteredRule.choices,
        default="address",
    )
    accept_unknown_replies = models.BooleanField(
        _("accept replies from unknown senders"),
        default=True,
        help_text=_(
            "Off: a reply to a ticket from someone who is neither the requester nor a watcher nor an "
            "employee is logged and ignored."
        ),
    )
    auto_replies = models.CharField(
        _("automatic replies"),
        max_length=8,
        choices=AutoReplyAction.choices,
        default="comment",
    )
    closed_tickets = models.CharField(
        _("replies to closed tickets"),
        max_length=16,
        choices=ClosedTicketRule.choices,
        default=ClosedTicketRule.NEW_TICKET,
        help_text=_(
            "A reply to a closed or cancelled ticket never changes it. A reply to a resolved ticket "
            "from its requester reopens it (Resumed); a reply to a waiting one puts it back in progress."
        ),
    )

    # --- status, written by "Check" and by every poll -----------------------------------------------
    last_error = models.TextField(_("server message"), blank=True, editable=False)
    failure_alert_sent = models.BooleanField(default=False, editable=False)
    next_poll_at = models.DateTimeField(_("next poll"), null=True, blank=True, editable=False, db_index=True)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    locked_by = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        verbose_name = _("incoming mail connection")
        verbose_name_plural = _("incoming mail")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def claim_alert(self, key: str) -> bool:
        # A conditional UPDATE: of two workers failing at once, one wins.
        if key not in self.ALERT_KEYS:
            return False
        claimed = IncomingConnection.objects.filter(pk=self.pk, failure_alert_sent=False).update(
            failure_alert_sent=True
        )
        if claimed:
            self.failure_alert_sent = True
        return bool(claimed)

    def release_alert(self, key: str) -> None:
        if key in self.ALERT_KEYS:
            IncomingConnection.objects.filter(pk=self.pk).update(failure_alert_sent=False)
            self.failure_alert_sent = False


class MailResult(models.TextChoices):
    PENDING = "pending", _("being processed")
    TICKET = "ticket", _("new ticket")
    COMMENT = "comment", _("comment")
    IGNORED = "ignored", _("ignored")
    DUPLICATE = "duplicate", _("duplicate")
    ERROR = "error", _("error")


# Results after which the message is done with; an error stays retryable through "reprocess".
DONE_RESULTS = (MailResult.TICKET, MailResult.COMMENT, MailResult.IGNORED, MailResult.DUPLICATE)


class ProcessedMessage(models.Model):
    """One message seen on a server: the exactly-once ledger and the mail log in one row.

    `server_id` is the protocol's stable identity ("UIDVALIDITY:UID" for IMAP, the UIDL for POP3,
    the item id for EWS/Graph). `acknowledged_at` is set once the server-side move/delete succeeded;
    a row that is done but not acknowledged is acknowledged again on the next poll, never re-imported.
    """

    connection = models.ForeignKey(
        IncomingConnection,
        verbose_name=_("connection"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    connection_name = models.CharField(_("connection"), max_length=100, blank=True)
    server_id = models.CharField(_("server identity"), max_length=500)
    folder = models.CharField(_("folder"), max_length=500, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=998, blank=True)
    # What makes two mails with one Message-ID the same mail (see inbound/dedupe.py); empty when
    # the message could not be parsed, and on rows recorded before it existed.
    content_digest = models.CharField(_("content digest"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    # The exact bytes as received: a file in default storage (MAIL_RAW_STORAGE = "files"), or a
    # RawMail row written in the ledger row's transaction ("database", the default).
    raw = models.FileField(_("raw message"), upload_to="mail/raw/%Y/%m/", max_length=300, blank=True)
    raw_in_database = models.BooleanField(_("raw message in the database"), default=False, editable=False)
    sender = models.CharField(_("sender"), max_length=320, blank=True)
    sender_name = models.CharField(_("sender name"), max_length=255, blank=True)
    subject = models.CharField(_("subject"), max_length=998, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=MailResult.choices, default="pending")
    reason = models.TextField(_("reason"), blank=True)
    ticket = models.ForeignKey(
        "servicedesk.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.ForeignKey(
        "servicedesk.Comment",
        verbose_name=_("comment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A bounce names the failed recipients of one of our outbox messages (kept here as well, so the
    # log shows it even when the outbox row has been purged).
    outbox_message_id = models.CharField(_("bounced outbox message"), max_length=255, blank=True)
    bounce = models.JSONField(_("bounce report"), default=dict, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("removed from the server"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("mail log entry")
        verbose_name_plural = _("mail log")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["connection", "server_id"], name="mail_ledger_server_identity"),
        ]
        indexes = [
            models.Index(fields=["connection", "message_id"], name="mail_ledger_message_id"),
            models.Index(fields=["message_id"], name="mail_ledger_any_message_id", condition=~Q(message_id="")),
            models.Index(fields=["sender", "result", "processed_at"], name="mail_ledger_sender_rate"),
        ]

    # Not a field: the raw bytes of a row not yet inserted, for intake to insert as its RawMail.
    pending_raw: bytes | None = None

    def __str__(self) -> str:
        return self.subject or self.message_id or self.server_id

    @property
    def is_done(self) -> bool:
        return self.result in DONE_RESULTS

    @property
    def has_raw(self) -> bool:
        return bool(self.raw) or self.raw_in_database


class RawMail(models.Model):
    """The exact bytes of one received message, kept in the database (MAIL_RAW_STORAGE = "database").

    A table of its own so that reading the mail log never loads message bodies. Written in the
    transaction of its ledger row: no file to create per message (the costliest part of keeping
    it), no orphan when that transaction rolls back, and one backup holds everything.
    """

    entry = models.OneToOneField(
        ProcessedMessage, primary_key=True, on_delete=models.CASCADE, related_name="raw_mail", verbose_name=_("mail")
    )
    data = models.BinaryField(_("raw message"))

    class Meta:
        verbose_name = _("raw message")
        verbose_name_plural = _("raw messages")

    def __str__(self) -> str:
        return f"{self.entry_id}"

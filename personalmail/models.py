"""Personal mailboxes: one per employee, the folders and messages imported from it, what was sent
from it (a row before a packet), and the links of its messages to tickets (which outlive it)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mailconf import crypto

ENCRYPTION_CHOICES = [("ssl", "SSL"), ("starttls", "TLS (STARTTLS)"), ("none", _("none"))]


class CorporateDomain(models.Model):
    """A company mail domain configured by a technologist: employees pick it instead of typing servers."""

    name = models.CharField(_("name"), max_length=100)
    domain = models.CharField(_("mail domain"), max_length=255, unique=True, help_text=_("For example corp.example."))
    imap_host = models.CharField(_("IMAP server"), max_length=255)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_encryption = models.CharField(_("IMAP encryption"), max_length=8, choices=ENCRYPTION_CHOICES, default="ssl")
    smtp_host = models.CharField(_("SMTP server"), max_length=255)
    smtp_port = models.PositiveIntegerField(_("SMTP port"), default=465)
    smtp_encryption = models.CharField(_("SMTP encryption"), max_length=8, choices=ENCRYPTION_CHOICES, default="ssl")
    verify_certificate = models.BooleanField(_("verify server certificate"), default=True)
    oauth_app = models.ForeignKey(
        "personalmail.OAuthApp",
        verbose_name=_("OAuth2 application"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("corporate mail domain")
        verbose_name_plural = _("corporate mail domains")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.domain})"


class OAuthApp(models.Model):
    """An OAuth2 application a technologist registered at a provider (authorization code + PKCE)."""

    provider = models.CharField(_("provider"), max_length=20, unique=True)
    client_id = models.CharField(_("client id"), max_length=255)
    client_secret_encrypted = models.TextField(editable=False, blank=True)
    authorize_url = models.URLField(_("authorization endpoint"), max_length=500, blank=True)
    token_url = models.URLField(_("token endpoint"), max_length=500, blank=True)
    scope = models.CharField(_("scope"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("mail OAuth2 application")
        verbose_name_plural = _("mail OAuth2 applications")

    def __str__(self) -> str:
        return self.provider

    client_secret = crypto.EncryptedSecret()


class MailboxStatus(models.TextChoices):
    NEW = "new", _("connecting")
    OK = "ok", _("connected")
    BROKEN = "broken", _("connection lost")


class Popups(models.TextChoices):
    NOTIFY = "notify", _("Notify")
    SILENT = "silent", _("Do not notify")


class PersonalMailbox(models.Model):
    """An employee's own mailbox. Secrets are stored only encrypted (`password`, `refresh_token`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="personal_mailbox"
    )
    service = models.CharField(_("service"), max_length=40)
    corporate_domain = models.ForeignKey(
        CorporateDomain, verbose_name=_("corporate domain"), null=True, blank=True, on_delete=models.SET_NULL
    )
    email = models.EmailField(_("e-mail"))
    login = models.CharField(_("login"), max_length=255)
    password_encrypted = models.TextField(editable=False, blank=True)
    imap_host = models.CharField(_("IMAP server"), max_length=255)
    imap_port = models.PositiveIntegerField(_("IMAP port"))
    imap_encryption = models.CharField(_("IMAP encryption"), max_length=8, choices=ENCRYPTION_CHOICES, default="ssl")
    smtp_host = models.CharField(_("SMTP server"), max_length=255)
    smtp_port = models.PositiveIntegerField(_("SMTP port"))
    smtp_encryption = models.CharField(_("SMTP encryption"), max_length=8, choices=ENCRYPTION_CHOICES, default="ssl")
    verify_certificate = models.BooleanField(_("verify server certificate"), default=True)
    oauth_provider = models.CharField(_("OAuth2 provider"), max_length=20, blank=True)
    refresh_token_encrypted = models.TextField(editable=False, blank=True)
    access_token_encrypted = models.TextField(editable=False, blank=True)
    access_token_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    signature = models.TextField(_("signature"), blank=True)
    popups = models.CharField(_("new mail pop-ups"), max_length=8, choices=Popups.choices, default=Popups.NOTIFY)
    mobile_popups = models.CharField(
        _("new mail pop-ups in the mobile app"), max_length=8, choices=Popups.choices, default=Popups.NOTIFY
    )
    allow_in_processes = models.BooleanField(_("allow sending from this address in business processes"), default=False)
    status = models.CharField(_("status"), max_length=8, choices=MailboxStatus.choices, default=MailboxStatus.NEW)
    last_error = models.TextField(_("last error"), blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    # Backoff: no connection attempt (sync, IDLE) before this; pushed forward on every failure.
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)
    last_sync_at = models.DateTimeField(_("last synchronised"), null=True, blank=True, editable=False)
    # One synchronisation at a time per mailbox: a worker owns it while this is in the future.
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("personal mailbox")
        verbose_name_plural = _("personal mailboxes")

    def __str__(self) -> str:
        return self.email

    password = crypto.EncryptedSecret()
    refresh_token = crypto.EncryptedSecret()

    @property
    def uses_oauth(self) -> bool:
        return bool(self.oauth_provider)

    @property
    def is_broken(self) -> bool:
        return self.status == MailboxStatus.BROKEN


class FolderRole(models.TextChoices):
    INBOX = "inbox", _("Inbox")
    SENT = "sent", _("Sent")
    DRAFTS = "drafts", _("Drafts")
    TRASH = "trash", _("Trash")
    JUNK = "junk", _("Junk")
    ARCHIVE = "archive", _("Archive")
    OTHER = "", _("Folder")


class MailFolder(models.Model):
    mailbox = models.ForeignKey(PersonalMailbox, on_delete=models.CASCADE, related_name="folders")
    name = models.CharField(_("name"), max_length=500)
    role = models.CharField(_("role"), max_length=8, choices=FolderRole.choices, blank=True)
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    # The highest UID imported: the next sync asks only for what came after it.
    last_uid = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("mail folder")
        verbose_name_plural = _("mail folders")
        ordering = ["mailbox", "name"]
        constraints = [models.UniqueConstraint(fields=["mailbox", "name"], name="personal_folder_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return str(self.get_role_display()) if self.role else self.name


class PersonalMessage(models.Model):
    """One imported message: headers and the parsed, sanitised body; the server keeps the original."""

    mailbox = models.ForeignKey(PersonalMailbox, on_delete=models.CASCADE, related_name="messages")
    folder = models.ForeignKey(MailFolder, on_delete=models.CASCADE, related_name="messages")
    uid = models.BigIntegerField()
    message_id = models.CharField(max_length=500, blank=True)
    references = models.TextField(blank=True)
    subject = models.CharField(_("subject"), max_length=1000, blank=True)
    from_name = models.CharField(max_length=255, blank=True)
    from_address = models.CharField(max_length=320, blank=True)
    to = models.TextField(blank=True)
    cc = models.TextField(blank=True)
    date = models.DateTimeField(null=True, blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    seen = models.BooleanField(default=False)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("personal mail message")
        verbose_name_plural = _("personal mail messages")
        ordering = ["-date", "-uid"]
        constraints = [models.UniqueConstraint(fields=["folder", "uid"], name="personal_message_unique")]
        indexes = [models.Index(fields=["folder", "-date"], name="personal_message_folder_date")]

    def __str__(self) -> str:
        return self.subject

    @property
    def author(self) -> str:
        return f"{self.from_name} <{self.from_address}>" if self.from_name else self.from_address


class PersonalAttachment(models.Model):
    message = models.ForeignKey(PersonalMessage, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="personalmail/%Y/%m/")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=255, default="application/octet-stream")
    size = models.PositiveBigIntegerField(default=0)
    content_id = models.CharField(max_length=255, blank=True)
    is_inline = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("personal mail attachment")
        verbose_name_plural = _("personal mail attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class SendStatus(models.TextChoices):
    PENDING = "pending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("not sent")


class SentMail(models.Model):
    """One message sent from a personal mailbox: the row exists before the SMTP transaction, so a
    failure is visible and retried; `appended` says whether it reached the server's Sent folder."""

    mailbox = models.ForeignKey(PersonalMailbox, on_delete=models.CASCADE, related_name="sent_mail")
    raw = models.BinaryField()
    sender = models.CharField(max_length=320)
    recipients = models.JSONField(default=list)
    subject = models.CharField(max_length=1000, blank=True)
    status = models.CharField(max_length=8, choices=SendStatus.choices, default=SendStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    appended = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sent personal mail")
        verbose_name_plural = _("sent personal mails")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status"], name="personal_sent_pending", condition=Q(status="pending")),
        ]

    def __str__(self) -> str:
        return self.subject


class MessageLink(models.Model):
    """A personal message filed on a ticket: the comment carries the mail (text, attachments), so it
    stays on the ticket card after the mailbox and its imported messages are deleted."""

    ticket = models.ForeignKey("servicedesk.Ticket", on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey("servicedesk.Comment", null=True, on_delete=models.SET_NULL, related_name="+")
    message = models.ForeignKey(PersonalMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="links")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_ticket = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mail link to a ticket")
        verbose_name_plural = _("mail links to tickets")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "message"], name="personal_link_unique", condition=Q(message__isnull=False)
            )
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id}"

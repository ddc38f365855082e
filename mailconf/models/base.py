"""What the outgoing connection and the incoming mailboxes have in common (no table of its own)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import crypto


class CheckStatus(models.TextChoices):
    NEVER = "", _("never checked")
    SUCCESS = "success", _("success")
    ERROR = "error", _("error")


class Encryption(models.TextChoices):
    SSL = "ssl", "SSL"
    STARTTLS = "starttls", "TLS (STARTTLS)"
    NONE = "none", _("none")


class MailConnection(models.Model):
    """A mail server connection: credentials (stored only encrypted), the cached OAuth2 token, and
    the status written by "Check" and by every delivery or poll.

    Subclasses add `protocol`, `host`, `port`, `encryption`, `login`, `ews_url` and `last_error`
    (their labels and defaults differ) and say how an administrator alert is remembered
    (`claim_alert`/`release_alert`). Read and write secrets through `password` / `client_secret`:
    they decrypt on read and encrypt on write, so callers never handle the stored form and forms
    can tell "nothing stored" from "keep what is stored".
    """

    # The subclasses' fields, declared here for the code that serves both.
    protocol: str
    host: str
    port: int | None
    encryption: str
    login: str
    ews_url: str
    last_error: str
    # The alert keys this kind of connection can remember (see claim_alert).
    ALERT_KEYS: ClassVar[frozenset[str]] = frozenset()

    enabled = models.BooleanField(_("enabled"), default=True)
    verify_certificate = models.BooleanField(
        _("verify server certificate"),
        default=True,
        help_text=_("Turn off only for a server with a self-signed certificate."),
    )
    password_encrypted = models.TextField(editable=False, blank=True)
    oauth2 = models.BooleanField(_("OAuth2 authentication"), default=False)
    client_id = models.CharField(_("application (client) id"), max_length=100, blank=True)
    tenant_id = models.CharField(_("directory (tenant) id"), max_length=100, blank=True)
    client_secret_encrypted = models.TextField(editable=False, blank=True)
    oauth_token_encrypted = models.TextField(editable=False, blank=True)
    oauth_token_expires_at = models.DateTimeField(_("access token valid until"), null=True, blank=True, editable=False)
    check_status = models.CharField(_("status"), max_length=8, choices=CheckStatus.choices, blank=True, editable=False)
    last_checked_at = models.DateTimeField(_("last connection"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(_("last successful connection"), null=True, blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0, editable=False)
    # The kind of the last failure (protocols.errors.Reason): the page words it in the reader's language.
    last_error_reason = models.CharField(max_length=16, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    password = crypto.EncryptedSecret()
    client_secret = crypto.EncryptedSecret()

    @property
    def has_password(self) -> bool:
        return bool(self.password_encrypted)

    @property
    def has_client_secret(self) -> bool:
        return bool(self.client_secret_encrypted)

    def forget_token(self) -> None:
        """Drop the cached token (after the application, tenant, secret or protocol changed)."""
        self.oauth_token_encrypted = ""
        self.oauth_token_expires_at = None

    def claim_alert(self, key: str) -> bool:
        """Remember that alert `key` is raised; True only for the caller that raised it now (so two
        workers failing at once alert once). Keys outside ALERT_KEYS are never raised."""
        raise NotImplementedError

    def release_alert(self, key: str) -> None:
        """Forget alert `key` (the trouble is over; the next one alerts again)."""
        raise NotImplementedError

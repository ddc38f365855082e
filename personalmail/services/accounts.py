"""Connecting, changing and deleting a personal mailbox, and the connection status with its backoff.

Connecting checks both servers with the given credentials before anything is stored, so a wrong
password is an error on the form, not a broken mailbox. Saving the settings again is also how a
broken mailbox is reconnected ("Reconnect" opens the settings).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from mailconf.protocols.errors import TransportError
from servicedesk.models import User

from ..models import CorporateDomain, MailboxStatus, PersonalMailbox
from .clients import imap_client, smtp_client

if TYPE_CHECKING:
    from .oauth import Tokens

log = logging.getLogger(__name__)


@dataclass
class MailboxSettings:
    """What the connect form collects; servers already resolved from the preset or corporate domain.
    An empty `password` keeps the stored one (passwords are write-only)."""

    service: str
    email: str
    login: str
    imap_host: str
    imap_port: int
    imap_encryption: str
    smtp_host: str
    smtp_port: int
    smtp_encryption: str
    password: str = field(default="", repr=False)
    verify_certificate: bool = True
    corporate_domain: CorporateDomain | None = None
    oauth_provider: str = ""
    signature: str = ""
    popups: str = "notify"
    mobile_popups: str = "notify"
    allow_in_processes: bool = False


_SERVER_FIELDS = (
    "service",
    "email",
    "login",
    "imap_host",
    "imap_port",
    "imap_encryption",
    "smtp_host",
    "smtp_port",
    "smtp_encryption",
    "verify_certificate",
    "corporate_domain",
    "oauth_provider",
)
_PREFERENCE_FIELDS = ("signature", "popups", "mobile_popups", "allow_in_processes")


def connect_mailbox(*, user: User, data: MailboxSettings, tokens: Tokens | None = None) -> PersonalMailbox:
    """Create or change `user`'s mailbox after both servers accepted the credentials; the first
    synchronisation (the newest messages) is queued after commit. ValidationError names the server's
    refusal. With `tokens` (an OAuth2 authorisation just finished) XOAUTH2 replaces the password.
    Changing only the signature or notification choices does not contact the servers."""
    mailbox = PersonalMailbox.objects.filter(user=user).first() or PersonalMailbox(user=user)
    first = mailbox.pk is None
    changed = first or mailbox.is_broken or bool(data.password) or tokens is not None
    for name in _SERVER_FIELDS:
        changed = changed or getattr(mailbox, name) != getattr(data, name)
        setattr(mailbox, name, getattr(data, name))
    for name in _PREFERENCE_FIELDS:
        setattr(mailbox, name, getattr(data, name))
    if not changed:
        # Only the signature or notification choices: nothing to check with the servers.
        mailbox.save()
        return mailbox
    if data.password:
        mailbox.password = data.password
    if tokens is not None:
        from .oauth import store_tokens

        mailbox.password = ""
        store_tokens(mailbox, tokens)
    if not mailbox.uses_oauth and not mailbox.password_encrypted:
        raise ValidationError({"password": _("Enter the password.")})
    check_servers(mailbox)
    with transaction.atomic():
        mailbox.status = MailboxStatus.OK
        mailbox.last_error = ""
        mailbox.consecutive_failures = 0
        mailbox.next_attempt_at = None
        mailbox.save()
        from ..tasks import sync_mailbox

        transaction.on_commit(lambda: sync_mailbox.delay(mailbox.pk))
    log.info("personal mailbox %s %s", mailbox.pk, "connected" if first else "reconnected")
    return mailbox


def check_servers(mailbox: PersonalMailbox) -> None:
    """Log in to IMAP and SMTP; ValidationError with the server's words when either refuses."""
    try:
        imap_client(mailbox).check()
    except TransportError as exc:
        raise ValidationError(_("The IMAP server refused the connection: %(error)s") % {"error": exc.message}) from None
    try:
        smtp_client(mailbox).check()
    except TransportError as exc:
        raise ValidationError(_("The SMTP server refused the connection: %(error)s") % {"error": exc.message}) from None


def update_preferences(
    *, mailbox: PersonalMailbox, signature: str, popups: str, mobile_popups: str, allow_in_processes: bool
) -> None:
    """Signature and notification choices: no server is contacted."""
    mailbox.signature = signature
    mailbox.popups = popups
    mailbox.mobile_popups = mobile_popups
    mailbox.allow_in_processes = allow_in_processes
    mailbox.save(update_fields=list(_PREFERENCE_FIELDS))


def delete_mailbox(*, mailbox: PersonalMailbox) -> None:
    """Disconnect: the mailbox, its folders, imported messages and their files go; comments filed
    on tickets from its messages stay (the link loses only its message)."""
    with transaction.atomic():
        files = [
            a.file for message in mailbox.messages.prefetch_related("attachments") for a in message.attachments.all()
        ]
        mailbox.delete()
        transaction.on_commit(lambda: _delete_files(files))


def _delete_files(files: list[FieldFile]) -> None:
    for stored in files:
        stored.delete(save=False)


def retry_delay(failures: int) -> timedelta:
    """Exponential backoff after `failures` failures in a row, capped: a dead server is not hammered."""
    base = settings.PERSONALMAIL_RETRY_BASE_SECONDS
    seconds = min(base * 2 ** max(failures - 1, 0), settings.PERSONALMAIL_RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds)


def record_failure(mailbox: PersonalMailbox, error: TransportError) -> None:
    """One failed attempt: the error for the warning, the next attempt pushed out. A refused login is
    broken at once (retrying cannot help until the owner saves new credentials); a network failure
    only after repeating."""
    PersonalMailbox.objects.filter(pk=mailbox.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    mailbox.refresh_from_db(fields=["consecutive_failures"])
    broken = error.permanent or mailbox.consecutive_failures >= settings.PERSONALMAIL_BROKEN_AFTER
    mailbox.last_error = error.message[:2000]
    mailbox.next_attempt_at = timezone.now() + retry_delay(mailbox.consecutive_failures)
    if broken:
        mailbox.status = MailboxStatus.BROKEN
    mailbox.save(update_fields=["last_error", "next_attempt_at", "status"])
    log.warning("personal mailbox %s failed (%s in a row): %s", mailbox.pk, mailbox.consecutive_failures, error.message)


def record_success(mailbox: PersonalMailbox) -> None:
    now = timezone.now()
    PersonalMailbox.objects.filter(pk=mailbox.pk).update(
        status=MailboxStatus.OK, last_error="", consecutive_failures=0, next_attempt_at=None, last_sync_at=now
    )
    mailbox.status, mailbox.last_error, mailbox.consecutive_failures = MailboxStatus.OK, "", 0
    mailbox.next_attempt_at, mailbox.last_sync_at = None, now

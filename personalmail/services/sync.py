"""Synchronising a personal mailbox with its server: folders, new messages, \\Seen both ways.

The first synchronisation of a folder imports its newest PERSONALMAIL_INITIAL_MESSAGES messages;
later ones import what came after the highest UID seen (a UIDVALIDITY change starts the folder
over). Flags of the messages we hold are read back each time, so reading a message in another
client shows here too. Only the inbox and Sent are synchronised in the background; another folder
when its owner opens it. New unread inbox mail (not the initial import) raises the pop-up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mailconf.parsing import ParsedMessage, ParseError, parse_message
from mailconf.protocols.errors import TransportError
from mailconf.protocols.imap_user import FetchedMessage, UserImapMailbox

from ..models import FolderRole, MailFolder, PersonalAttachment, PersonalMailbox, PersonalMessage
from .accounts import record_failure, record_success
from .clients import imap_client

log = logging.getLogger(__name__)

BACKGROUND_ROLES = (FolderRole.INBOX, FolderRole.SENT)
# How many of a folder's newest messages have their flags compared on each synchronisation.
FLAG_WINDOW = 500
LEASE = timedelta(minutes=5)


@dataclass
class SyncResult:
    imported: int = 0
    flags_changed: int = 0
    removed: int = 0
    new_mail: list[int] = field(default_factory=list)
    skipped: bool = False


def claim(mailbox_id: int, *, force: bool) -> bool:
    """Take the mailbox's lease (one synchronisation at a time); unless forced, not before its backoff."""
    now = timezone.now()
    rows = PersonalMailbox.objects.filter(pk=mailbox_id).filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
    if not force:
        rows = rows.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    return rows.update(locked_until=now + LEASE) == 1


def release(mailbox_id: int) -> None:
    PersonalMailbox.objects.filter(pk=mailbox_id).update(locked_until=None)


def sync_mailbox(mailbox_id: int, *, folder_id: int | None = None, force: bool = False) -> SyncResult:
    """Synchronise the background folders (or the one folder `folder_id`); failures become the
    mailbox's status, never an exception."""
    if not claim(mailbox_id, force=force):
        return SyncResult(skipped=True)
    try:
        mailbox = PersonalMailbox.objects.get(pk=mailbox_id)
        return _sync(mailbox, folder_id)
    except PersonalMailbox.DoesNotExist:
        return SyncResult(skipped=True)
    finally:
        release(mailbox_id)


def _sync(mailbox: PersonalMailbox, folder_id: int | None) -> SyncResult:
    result = SyncResult()
    try:
        with imap_client(mailbox) as box:
            folders = update_folders(mailbox, box)
            wanted = [f for f in folders if (f.pk == folder_id if folder_id else f.role in BACKGROUND_ROLES)]
            for folder in wanted:
                sync_folder(mailbox, box, folder, result)
    except TransportError as exc:
        record_failure(mailbox, exc)
        return result
    record_success(mailbox)
    if result.new_mail:
        from ..popups import announce_new_mail

        announce_new_mail(mailbox, result.new_mail)
    return result


def update_folders(mailbox: PersonalMailbox, box: UserImapMailbox) -> list[MailFolder]:
    listed = box.folders()
    known = {f.name: f for f in mailbox.folders.all()}
    for info in listed:
        folder = known.get(info.name)
        if folder is None:
            known[info.name] = MailFolder.objects.create(mailbox=mailbox, name=info.name, role=info.role)
        elif folder.role != info.role:
            folder.role = info.role
            folder.save(update_fields=["role"])
    gone = set(known) - {info.name for info in listed}
    if gone:
        MailFolder.objects.filter(mailbox=mailbox, name__in=gone).delete()
    return [known[info.name] for info in listed]


def sync_folder(mailbox: PersonalMailbox, box: UserImapMailbox, folder: MailFolder, result: SyncResult) -> None:
    state = box.select(folder.name)
    # A folder seen before (even empty) has its UIDVALIDITY recorded; only a new one is "initial".
    initial = folder.uidvalidity != state.uidvalidity
    if folder.uidvalidity is not None and folder.uidvalidity != state.uidvalidity:
        # Old UIDs may now name other messages (RFC 3501 2.3.1.1): start the folder over.
        folder.messages.all().delete()
    folder.uidvalidity = state.uidvalidity
    if initial:
        uids = box.newest_uids(folder.name, settings.PERSONALMAIL_INITIAL_MESSAGES)
    else:
        uids = box.uids_after(folder.name, folder.last_uid)
        _sync_flags(box, folder, result)
    for start in range(0, len(uids), 50):
        fetched = box.fetch_messages(folder.name, uids[start : start + 50])
        created = store_messages(mailbox, folder, fetched)
        result.imported += len(created)
        if not initial and folder.role == FolderRole.INBOX:
            result.new_mail.extend(m.pk for m in created if not m.seen)
    if uids:
        folder.last_uid = max(folder.last_uid if not initial else 0, *uids)
    folder.save(update_fields=["uidvalidity", "last_uid"])


def _sync_flags(box: UserImapMailbox, folder: MailFolder, result: SyncResult) -> None:
    held = dict(folder.messages.order_by("-uid").values_list("uid", "seen")[:FLAG_WINDOW])
    if not held:
        return
    flags = box.seen_flags(folder.name, list(held))
    changed = {uid: seen for uid, seen in flags.items() if held[uid] != seen}
    for seen in (True, False):
        uids = [uid for uid, value in changed.items() if value is seen]
        if uids:
            folder.messages.filter(uid__in=uids).update(seen=seen)
    result.flags_changed += len(changed)
    missing = [uid for uid in held if uid not in flags]
    if missing:
        # Deleted or moved away in another client; a ticket link keeps its comment (SET_NULL).
        result.removed += folder.messages.filter(uid__in=missing).delete()[1].get("personalmail.PersonalMessage", 0)


def store_messages(
    mailbox: PersonalMailbox, folder: MailFolder, fetched: list[FetchedMessage]
) -> list[PersonalMessage]:
    """Parse and save; a message already held (a repeated synchronisation) is skipped."""
    held = set(folder.messages.filter(uid__in=[f.uid for f in fetched]).values_list("uid", flat=True))
    created = []
    for item in fetched:
        if item.uid in held:
            continue
        try:
            parsed = parse_message(item.raw, max_size=settings.MAIL_INCOMING_MAX_BYTES)
        except ParseError as exc:
            log.warning("personal mailbox %s: message %s unreadable: %s", mailbox.pk, item.uid, exc.reason)
            parsed = ParsedMessage(message_id="", subject="", text=exc.reason)
        with transaction.atomic():
            created.append(_save(mailbox, folder, item, parsed))
    return created


def _save(mailbox: PersonalMailbox, folder: MailFolder, item: FetchedMessage, parsed: ParsedMessage) -> PersonalMessage:
    message = PersonalMessage.objects.create(
        mailbox=mailbox,
        folder=folder,
        uid=item.uid,
        message_id=parsed.message_id[:500],
        references=" ".join(parsed.references)[:5000],
        subject=parsed.subject[:1000],
        from_name=(parsed.from_.name if parsed.from_ else "")[:255],
        from_address=(parsed.from_.address if parsed.from_ else "")[:320],
        to=", ".join(str(a) for a in parsed.to),
        cc=", ".join(str(a) for a in parsed.cc),
        date=parsed.date,
        text=parsed.text,
        html=parsed.html,
        seen=item.seen,
    )
    for attachment in parsed.attachments:
        stored = PersonalAttachment(
            message=message,
            filename=attachment.filename[:255],
            content_type=attachment.content_type[:255],
            size=attachment.size,
            content_id=(attachment.content_id or "")[:255],
            is_inline=attachment.is_inline,
        )
        stored.file.save(attachment.filename[:100], ContentFile(attachment.payload), save=False)
        stored.save()
    return message


def set_seen(*, message: PersonalMessage, seen: bool) -> None:
    """Mark read or unread here and on the server (the server first: if it refuses, nothing changes)."""
    if message.seen == seen:
        return
    mailbox = message.mailbox
    try:
        with imap_client(mailbox) as box:
            box.set_seen(message.folder.name, [message.uid], seen)
    except TransportError as exc:
        record_failure(mailbox, exc)
        raise
    PersonalMessage.objects.filter(pk=message.pk).update(seen=seen)
    message.seen = seen


def due_mailboxes() -> list[int]:
    """Mailboxes whose last synchronisation is older than the polling interval and not backing off."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.PERSONALMAIL_POLL_SECONDS)
    return list(
        PersonalMailbox.objects.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(Q(last_sync_at__isnull=True) | Q(last_sync_at__lt=stale))
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .values_list("pk", flat=True)
    )

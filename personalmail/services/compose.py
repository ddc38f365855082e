"""Sending from a personal mailbox: new mail, reply, reply all and forward, with attachments.

The message is built by the outbox's MIME builder (the same header-injection guards as every mail
the product sends) and stored as a `SentMail` row before the SMTP transaction; after the server
accepted it, it is appended to the provider's Sent folder over IMAP, so it shows in both places.
A failure leaves the row with its error (and nothing half-sent is appended).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import getaddresses

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mailconf.outbox import (
    MessageSpec,
    OutgoingAttachment,
    build_message,
    make_message_id,
    valid_message_ids,
    with_signature,
)
from mailconf.protocols.errors import TransportError
from mailconf.protocols.outgoing import Envelope
from notifications.mail import Letter
from servicedesk.kicks import kick_on_commit

from ..models import FolderRole, MailboxStatus, PersonalMailbox, PersonalMessage, SendStatus, SentMail
from .accounts import record_failure
from .clients import imap_client, smtp_client

log = logging.getLogger(__name__)

REPLY, REPLY_ALL, FORWARD = "reply", "reply_all", "forward"


@dataclass
class Draft:
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    subject: str = ""
    text: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    attachments: list[OutgoingAttachment] = field(default_factory=list)


def draft_for(*, mailbox: PersonalMailbox, original: PersonalMessage | None, mode: str) -> Draft:
    """The composer's starting point: recipients, subject, quoted text and threading headers."""
    if original is None:
        return Draft()
    quoted = "\n".join(f"> {line}" for line in original.text.splitlines())
    when = original.date.strftime("%Y-%m-%d %H:%M") if original.date else ""
    if mode == FORWARD:
        header = _("-------- Forwarded message --------\nFrom: %(author)s\nDate: %(date)s\nSubject: %(subject)s") % {
            "author": original.author,
            "date": when,
            "subject": original.subject,
        }
        return Draft(subject=_prefixed("Fwd: ", original.subject), text=f"\n\n{header}\n\n{original.text}")
    own = mailbox.email.lower()
    to = [original.from_address] if original.from_address else []
    cc: list[str] = []
    if mode == REPLY_ALL:
        others = [addr for _name, addr in getaddresses([original.to, original.cc]) if addr]
        cc = [addr for addr in dict.fromkeys(others) if addr.lower() != own and addr not in to]
    # The parser keeps ids without angle brackets; headers need them.
    references = [_bracketed(i) for i in [*original.references.split(), original.message_id] if i]
    intro = _("%(author)s wrote on %(date)s:") % {"author": original.author, "date": when}
    return Draft(
        to=to,
        cc=cc,
        subject=_prefixed("Re: ", original.subject),
        text=f"\n\n{intro}\n{quoted}\n",
        in_reply_to=(valid_message_ids([_bracketed(original.message_id)]) or [""])[0],
        references=valid_message_ids(references),
    )


def _bracketed(message_id: str) -> str:
    return message_id if message_id.startswith("<") else f"<{message_id}>"


def _prefixed(prefix: str, subject: str) -> str:
    return subject if subject.lower().startswith(prefix.lower()) else f"{prefix}{subject}"


def forwarded_files(original: PersonalMessage) -> list[OutgoingAttachment]:
    files = []
    for attachment in original.attachments.filter(is_inline=False):
        with attachment.file.open("rb") as handle:
            files.append(OutgoingAttachment(attachment.filename, handle.read(), attachment.content_type))
    return files


def send_mail(*, mailbox: PersonalMailbox, draft: Draft) -> SentMail:
    """Build, record, send over SMTP and append to Sent. Raises TransportError if the server refused
    (the row keeps the error); an append failure is only logged: the mail has gone."""
    domain = mailbox.email.rpartition("@")[2] or "localhost"
    text, html = with_signature(draft.text, "", mailbox.signature)
    spec = MessageSpec(
        from_address=mailbox.email,
        sender_name=mailbox.user.get_full_name(),
        to=draft.to,
        cc=draft.cc,
        subject=draft.subject,
        text=text,
        html=html,
        message_id=make_message_id(domain),
        date=timezone.now(),
        in_reply_to=draft.in_reply_to,
        references=draft.references,
        attachments=draft.attachments,
    )
    raw = build_message(spec)
    with transaction.atomic():
        sent = SentMail.objects.create(
            mailbox=mailbox, raw=raw, sender=mailbox.email, recipients=[*draft.to, *draft.cc], subject=draft.subject
        )
    deliver(sent)
    return sent


def deliver(sent: SentMail) -> None:
    mailbox = sent.mailbox
    sent.attempts += 1
    try:
        with smtp_client(mailbox) as transport:
            result = transport.send(Envelope(sender=sent.sender, recipients=sent.recipients, raw=bytes(sent.raw)))
    except TransportError as exc:
        sent.status, sent.last_error = SendStatus.FAILED, exc.message[:2000]
        sent.save(update_fields=["status", "last_error", "attempts"])
        if exc.permanent and "authentication" in exc.message:
            record_failure(mailbox, exc)
        raise
    sent.status, sent.sent_at = SendStatus.SENT, timezone.now()
    sent.last_error = "; ".join(f"{addr}: {f.message}" for addr, f in result.refused.items())[:2000]
    sent.save(update_fields=["status", "sent_at", "last_error", "attempts"])
    append_to_sent(sent)


def append_to_sent(sent: SentMail) -> None:
    folder = sent.mailbox.folders.filter(role=FolderRole.SENT).first()
    name = folder.name if folder else "Sent"
    try:
        with imap_client(sent.mailbox) as box:
            box.append(name, bytes(sent.raw), seen=True, when=sent.sent_at)
    except TransportError as exc:
        log.warning("sent mail %s not appended to %s: %s", sent.pk, name, exc.message)
        return
    SentMail.objects.filter(pk=sent.pk).update(appended=True)
    sent.appended = True


class SendingNotAllowed(Exception):
    """The employee has no mailbox, or has not allowed business processes to send from it."""


def send_as_employee(
    *, user_id: int, to: list[str], subject: str, text: str, attachments: list[OutgoingAttachment] | None = None
) -> SentMail:
    """What a business process calls to send as an employee through their own mailbox (the
    "allow sending from this address in business processes" switch): the recipients get the mail
    from the employee's address and it lands in their Sent folder. SendingNotAllowed without the
    owner's consent; TransportError when the server refuses."""
    mailbox = PersonalMailbox.objects.filter(user_id=user_id, allow_in_processes=True).select_related("user").first()
    if mailbox is None:
        raise SendingNotAllowed(f"user {user_id} does not allow sending from their mailbox")
    return send_mail(mailbox=mailbox, draft=Draft(to=to, subject=subject, text=text, attachments=attachments or []))


def queue_for_process(user_id: int, letter: Letter) -> bool:
    """notifications' personal sender (registered in apps.py): an event action's letter, from the
    responsible employee's own mailbox. Called inside the fan-out's transaction, so it only writes
    the `SentMail` row and leaves SMTP to a task started after commit; False (the outbox sends
    instead) without a connected mailbox or the owner's consent."""
    mailbox = (
        PersonalMailbox.objects.filter(user_id=user_id, allow_in_processes=True, status=MailboxStatus.OK)
        .select_related("user")
        .first()
    )
    if mailbox is None:
        return False
    in_reply_to, references = letter.thread
    text, html = with_signature(letter.text, letter.html, mailbox.signature)
    spec = MessageSpec(
        from_address=mailbox.email,
        sender_name=mailbox.user.get_full_name(),
        to=[letter.to],
        subject=letter.subject,
        text=text,
        html=html,
        message_id=make_message_id(mailbox.email.rpartition("@")[2] or "localhost"),
        date=timezone.now(),
        in_reply_to=in_reply_to,
        references=list(references),
    )
    sent = SentMail.objects.create(
        mailbox=mailbox, raw=build_message(spec), sender=mailbox.email, recipients=[letter.to], subject=letter.subject
    )
    from ..tasks import deliver_sent_mail

    kick_on_commit(deliver_sent_mail, [sent.pk])
    return True


# A pending row this old has lost its kick (broker down, worker killed): beat's sweep sends it.
SWEEP_GRACE = timedelta(seconds=30)


def deliver_pending(sent_ids: list[int] | None = None) -> int:
    """The task's body: send the given queued rows, or (None, beat's sweep) every row whose kick
    was lost. Each row is claimed with SKIP LOCKED and sent once: a redelivered task or a second
    worker finds it locked or no longer pending."""
    pending = SentMail.objects.filter(status=SendStatus.PENDING)
    if sent_ids is None:
        pending = pending.filter(created_at__lt=timezone.now() - SWEEP_GRACE)
    else:
        pending = pending.filter(pk__in=sent_ids)
    done = 0
    for sent_id in pending.order_by("pk").values_list("pk", flat=True)[:200]:
        done += _deliver_one(sent_id)
    return done


def _deliver_one(sent_id: int) -> int:
    with transaction.atomic():
        sent = (
            SentMail.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=sent_id, status=SendStatus.PENDING)
            .select_related("mailbox")
            .first()
        )
        if sent is None:
            return 0
        try:
            deliver(sent)
        except TransportError as exc:
            log.warning("personal mail %s from a business process not sent: %s", sent_id, exc.message)
    return 1

"""Intake: what one parsed incoming message becomes (a ticket, a comment, a bounce record, nothing).

Called by the poller inside the ledger transaction (see polling.py); it knows nothing
of servers or folders. Every decision comes back as an `Outcome` that the ledger row records, so
the mail log can say why a message was ignored.
"""

from __future__ import annotations

import email.policy
import logging
import traceback
from dataclasses import dataclass
from email.parser import BytesHeaderParser

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext

from mailconf.models import (
    ClosedTicketRule,
    IncomingConnection,
    MailResult,
    OutboxKind,
    OutboxMessage,
    ProcessedMessage,
    RecipientStatus,
)
from mailconf.outbox import enqueue_mail
from mailconf.outbox.emails import render_email
from mailconf.parsing import (
    BounceRecipient,
    ParsedMessage,
    ParseError,
    find_ticket_tag,
    parse_message,
    strip_ticket_tags,
)
from servicedesk.models import Comment, Company, Contact, Employee, Ticket, TicketChannel, TicketStatus, TicketWatcher
from servicedesk.services.batch import SavepointNeeded
from servicedesk.services.follow_up import link_follow_up, resume_on_reply
from servicedesk.services.tickets import NewFile, add_comment, create_ticket

from .canary import recognise as recognise_canary
from .dedupe import REUSED_NOTE, content_digest, same_mail
from .ledger import Outcome
from .lookups import Lookups, bare_id, reference_ids

log = logging.getLogger(__name__)

HEADER_PEEK_BYTES = 64 * 1024


def process_raw(
    connection: IncomingConnection, entry: ProcessedMessage, raw: bytes, *, lookups: Lookups | None = None
) -> Outcome:
    """Parse `raw` and act on it; fills the entry's descriptive fields (the caller saves them).

    Runs the ticket work in a savepoint: an ordinary failure (a refused ticket, a bug on one odd
    message) rolls back only that work and becomes an error outcome, so the message goes to the
    error path instead of blocking the ones behind it. Anything that is not an `Exception`
    (a worker being killed) propagates and rolls the whole ledger transaction back.

    `lookups` (shared by a chunk of messages, see polling) must be inside that chunk's transaction
    and flushed (`lookups.tickets.flush()`) before it commits.
    """
    parsed = parse_raw(entry, raw)
    if isinstance(parsed, Outcome):
        return parsed
    return process_parsed(connection, entry, parsed, lookups=lookups)


def parse_raw(entry: ProcessedMessage, raw: bytes) -> ParsedMessage | Outcome:
    """The parsed message (its sender, subject and ids copied onto the entry) or an error outcome."""
    return settle_parse(entry, raw, attempt_parse(raw, max_size=settings.MAIL_INCOMING_MAX_BYTES))


@dataclass
class ParseFailure:
    """Why `parse_message` gave up on a message; `trace` is set when it was a bug, not a refusal."""

    reason: str
    trace: str = ""


def attempt_parse(raw: bytes, *, max_size: int) -> ParsedMessage | ParseFailure:
    """Parse, turning every failure into a value: this also runs in the parse helper process
    (staging.py), which has nobody to raise to. Touches neither the database nor settings."""
    try:
        return parse_message(raw, max_size=max_size)
    except ParseError as exc:
        return ParseFailure(f"cannot parse the message: {exc.reason}")
    except Exception as exc:  # a parser bug on one odd message must not block the mailbox behind it
        return ParseFailure(f"cannot parse the message: {type(exc).__name__}: {exc}", trace=traceback.format_exc())


def settle_parse(entry: ProcessedMessage, raw: bytes, attempt: ParsedMessage | ParseFailure) -> ParsedMessage | Outcome:
    """Describe the entry from what parsing gave, or turn the failure into an error outcome."""
    if isinstance(attempt, ParsedMessage):
        describe(entry, attempt)
        return attempt
    if attempt.trace:
        log.error("parsing failed for message %s (%s)\n%s", entry.server_id, entry.connection_name, attempt.trace)
    describe_headers_only(entry, raw)
    return Outcome(MailResult.ERROR, attempt.reason)


def process_parsed(
    connection: IncomingConnection, entry: ProcessedMessage, parsed: ParsedMessage, *, lookups: Lookups | None = None
) -> Outcome:
    """Dedupe and act on a parsed message (see `process_raw`)."""
    single = lookups is None
    look = Lookups(connection) if lookups is None else lookups
    namesakes = look.earlier(entry.message_id, exclude_pk=entry.pk)
    for earlier in namesakes:
        if same_mail(entry, earlier):
            return Outcome(
                MailResult.DUPLICATE,
                f"already processed as mail log entry {earlier.pk}",
                ticket_id=earlier.ticket_id,
                duplicate_of_id=earlier.pk,
            )
    reused = REUSED_NOTE if namesakes else ""
    try:
        with look.tickets.item():
            outcome = act(connection, parsed, look)
            outcome.reason = "; ".join(text for text in (outcome.reason, parsed.from_note, reused) if text)
            if single:
                look.tickets.flush()
            return outcome
    except SavepointNeeded:
        raise  # a batch without savepoints: the caller runs it again with them
    except ValidationError as exc:
        return Outcome(MailResult.ERROR, _validation_text(exc))
    except Exception as exc:  # one bad message must not stop the mailbox; the log keeps the reason
        log.exception("intake failed for message %s (%s)", entry.server_id, entry.connection_name)
        return Outcome(MailResult.ERROR, f"{type(exc).__name__}: {exc}")


def describe(entry: ProcessedMessage, parsed: ParsedMessage) -> None:
    entry.message_id = bare_id(parsed.message_id)[:998]
    entry.subject = (parsed.subject or "")[:998]
    if parsed.from_ is not None:
        entry.sender = parsed.from_.address[:320]
        entry.sender_name = (parsed.from_.name or "")[:255]
    entry.content_digest = content_digest(parsed)


def describe_headers_only(entry: ProcessedMessage, raw: bytes) -> None:
    """Best-effort sender and subject for the log when the full parse refused the message."""
    try:
        headers = BytesHeaderParser(policy=email.policy.default).parsebytes(raw[:HEADER_PEEK_BYTES])
        entry.subject = str(headers.get("Subject", ""))[:998]
        sender = headers.get("From")
        addresses = getattr(sender, "addresses", ()) if sender is not None else ()
        if addresses:
            entry.sender = addresses[0].addr_spec.lower()[:320]
            entry.sender_name = addresses[0].display_name[:255]
        entry.message_id = bare_id(str(headers.get("Message-ID", "")))[:998]
    except Exception:
        # Best effort for a message already refused: the stdlib's header parser raises more than
        # ValueError on hostile input (RecursionError on thousands of nested comments), and an
        # exception here would stop every poll of the mailbox at this message. Header values this
        # broken stay out of the log; the raw message is kept for download.
        log.info("headers of refused message %s not described", entry.server_id, exc_info=True)
        return


def _validation_text(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


def act(connection: IncomingConnection, parsed: ParsedMessage, lookups: Lookups | None = None) -> Outcome:
    """The routing rules, in order: loops, bounces, replies to tickets, auto-replies, new tickets."""
    look = Lookups(connection) if lookups is None else lookups
    # First: a canary carries our origin header, and must be timed rather than dropped as a loop.
    canary = recognise_canary(connection, parsed)
    if canary is not None:
        return canary
    if parsed.is_own_loop:
        return Outcome(MailResult.IGNORED, f"our own mail came back ({parsed.auto_reason or 'origin header'})")
    if parsed.is_bounce:
        return record_bounce(parsed)
    sender = parsed.from_.address if parsed.from_ is not None else ""
    if not sender:
        return Outcome(MailResult.ERROR, "the message has no sender address")
    ticket = find_ticket(parsed, sender, look)
    if parsed.is_auto_reply:
        return _auto_reply(connection, parsed, ticket, look)
    if ticket is not None:
        return add_reply(connection, parsed, ticket, sender, look)
    return open_ticket(connection, parsed, sender, look)


# --- threading ---------------------------------------------------------------------------------


def find_ticket(parsed: ParsedMessage, sender: str, lookups: Lookups) -> Ticket | None:
    """The ticket this message answers: by Message-ID chain first, then by the subject tag.

    A subject tag alone is trusted only from the ticket's requester or a watcher: anybody can
    type "[#12]" into a subject, but only the chain proves the mail answers one of ours.
    """
    ids = reference_ids(parsed)
    if ids:
        found = [lookups.ticket(pk) for pk in lookups.ticket_candidates(ids)]
        tickets = [ticket for ticket in found if ticket is not None]
        if len(tickets) > 1:
            # A reused Message-ID stands for several tickets: the one the sender takes part in.
            for ticket in tickets:
                if is_participant(ticket, sender, lookups):
                    return ticket
        if tickets:
            return tickets[0]
    number = parsed.ticket_number or find_ticket_tag(parsed.subject or "")
    tagged = lookups.ticket(number) if number is not None else None
    if tagged is not None and is_participant(tagged, sender, lookups):
        return tagged
    return None


def is_requester(ticket: Ticket, address: str) -> bool:
    """Whether `address` is the ticket's requester (its address, or the requester person's)."""
    requester = {ticket.requester_email.lower()}
    for person in (ticket.requester_employee, ticket.requester_contact):
        if person is not None and person.email:
            requester.add(person.email.lower())
    return address.lower() in requester


def is_participant(ticket: Ticket, address: str, lookups: Lookups | None = None) -> bool:
    """Whether `address` is the ticket's requester or one of its watchers."""
    address = address.lower()
    if is_requester(ticket, address):
        return True
    if lookups is not None:
        return address in lookups.watcher_addresses(ticket.pk)
    watchers = TicketWatcher.objects.filter(ticket=ticket).filter(
        Q(email__iexact=address) | Q(employee__email__iexact=address) | Q(contact__email__iexact=address)
    )
    return watchers.exists()


# --- people ------------------------------------------------------------------------------------


def company_for_domain(address: str) -> Company | None:
    domain = address.rsplit("@", 1)[-1].lower()
    return Company.objects.filter(email_domain__iexact=domain).order_by("pk").first() if domain else None


def contact_names(parsed: ParsedMessage, address: str) -> tuple[str, str]:
    """(surname, name) for a new contact from the display name "Name Surname" or the local part."""
    name = (parsed.from_.name if parsed.from_ is not None else "").strip()
    if not name:
        return address.split("@", 1)[0][:150], ""
    parts = name.split()
    if len(parts) == 1:
        return parts[0][:150], ""
    return parts[-1][:150], " ".join(parts[:-1])[:150]


# --- comments ----------------------------------------------------------------------------------


def add_reply(
    connection: IncomingConnection, parsed: ParsedMessage, ticket: Ticket, sender: str, lookups: Lookups
) -> Outcome:
    employee = lookups.employee(sender)
    contact = None if employee is not None else lookups.contact(sender)
    known = employee is not None or contact is not None or is_participant(ticket, sender, lookups)
    if not known and not connection.accept_unknown_replies:
        return Outcome(
            MailResult.IGNORED, f"a reply to ticket #{ticket.pk} from an unknown sender {sender}", ticket_id=ticket.pk
        )
    person = employee or contact
    if ticket.is_final:
        return _reply_to_final(connection, parsed, ticket, sender, person, known=known, lookups=lookups)
    comment = _comment(ticket, parsed, sender, person, private=False, lookups=lookups)
    note = ""
    # Only the requester's answer resumes the ticket: a watcher's "thanks" to a solved ticket must
    # not reopen it (staff can, on the card).
    old = ticket.status
    if is_requester(ticket, sender) and resume_on_reply(ticket=ticket, actor=getattr(person, "user", None)):
        note = f"the requester's reply resumed the ticket ({old} → {ticket.status})"
    return Outcome(MailResult.COMMENT, note, ticket_id=ticket.pk, comment_id=comment.pk)


def _reply_to_final(
    connection: IncomingConnection,
    parsed: ParsedMessage,
    ticket: Ticket,
    sender: str,
    person: Employee | Contact | None,
    *,
    known: bool,
    lookups: Lookups,
) -> Outcome:
    """A reply to a closed or cancelled ticket, per the connection's rule; the ticket itself never changes."""
    rule = connection.closed_tickets
    if rule == ClosedTicketRule.COMMENT:
        comment = _comment(ticket, parsed, sender, person, private=False, lookups=lookups)
        reason = f"ticket #{ticket.pk} is {ticket.status}: added without reopening"
        return Outcome(MailResult.COMMENT, reason, ticket_id=ticket.pk, comment_id=comment.pk)
    if rule == ClosedTicketRule.REJECT:
        # Answering a stranger would make us a backscatter source: only people we know are told.
        if known:
            refuse_reply(parsed, ticket, sender, person)
        told = "refused with a reply mail" if known else "refused (unknown sender, no reply mail)"
        return Outcome(
            MailResult.IGNORED, f"a reply to {ticket.status} ticket #{ticket.pk}: {told}", ticket_id=ticket.pk
        )
    return open_ticket(connection, parsed, sender, lookups, follow_up_of=ticket)


def refuse_reply(parsed: ParsedMessage, ticket: Ticket, sender: str, person: Employee | Contact | None) -> None:
    """Tell the sender, in their language, that the ticket is final and how to raise the matter again."""
    user = getattr(person, "user", None)
    language = getattr(person, "language", "") or getattr(user, "language", "") or settings.LANGUAGE_CODE
    context = {
        "number": ticket.pk,
        "ticket_subject": ticket.subject,
        "cancelled": ticket.status == TicketStatus.CANCELLED,
        "message_subject": parsed.subject or "",
    }
    with translation.override(language):
        subject, text, html = render_email("closed_ticket_reply", context)
    # Threaded under the client's message; kind "system", not "reply": a reply is a person's and
    # goes without Auto-Submitted, while this one must carry it so that no auto-responder answers.
    thread = [f"<{x}>" for x in (*map(bare_id, parsed.references), bare_id(parsed.message_id)) if x]
    enqueue_mail(
        to=[sender],
        subject=subject,
        text=text,
        html=html,
        kind=OutboxKind.SYSTEM,
        ticket_id=ticket.pk,
        in_reply_to=thread[-1] if thread else "",
        references=thread,
        auto_submitted=True,
    )


def _comment(
    ticket: Ticket,
    parsed: ParsedMessage,
    sender: str,
    person: Employee | Contact | None,
    *,
    private: bool,
    lookups: Lookups,
) -> Comment:
    actor = getattr(person, "user", None)
    name = person.full_name if person is not None else (parsed.from_.name if parsed.from_ else "")
    body = (parsed.reply_text or parsed.text or "").strip()
    files = attachment_files(parsed)
    if not body and not parsed.html.strip() and not files:
        body = "(empty message)"
    return add_comment(
        ticket=ticket,
        actor=actor,
        body=body,
        body_html=parsed.html,
        is_private=private,
        author_name=name or sender,
        author_email=sender,
        source=Comment.Source.EMAIL,
        files=files,
    )


def _auto_reply(
    connection: IncomingConnection, parsed: ParsedMessage, ticket: Ticket | None, lookups: Lookups
) -> Outcome:
    """Auto-replies are never answered: filed privately on their ticket (no client notification) or dropped."""
    reason = parsed.auto_reason or "automatic reply"
    if ticket is None:
        return Outcome(MailResult.IGNORED, f"automatic reply ({reason}) to no known ticket")
    if connection.auto_replies != "comment" or ticket.is_final:  # a final ticket accepts no comments
        return Outcome(MailResult.IGNORED, f"automatic reply ({reason}) to ticket #{ticket.pk}", ticket_id=ticket.pk)
    sender = parsed.from_.address if parsed.from_ is not None else ""
    comment = _comment(ticket, parsed, sender, None, private=True, lookups=lookups)
    return Outcome(MailResult.COMMENT, f"automatic reply ({reason})", ticket_id=ticket.pk, comment_id=comment.pk)


def attachment_files(parsed: ParsedMessage) -> list[NewFile]:
    return [
        NewFile(
            file=ContentFile(att.payload, name=att.filename),
            filename=att.filename,
            content_type=att.content_type or "application/octet-stream",
            content_id=att.content_id or "",
            inline=bool(att.is_inline),
            stored_name=att.stored_as,
        )
        for att in parsed.attachments
    ]


# --- new tickets -------------------------------------------------------------------------------


def open_ticket(
    connection: IncomingConnection,
    parsed: ParsedMessage,
    sender: str,
    lookups: Lookups,
    *,
    follow_up_of: Ticket | None = None,
) -> Outcome:
    """A new ticket from the message; with `follow_up_of`, the follow-up of that final ticket."""
    limit = settings.MAIL_INCOMING_TICKETS_PER_SENDER_PER_HOUR
    if limit and lookups.recent_tickets(sender) >= limit:
        return Outcome(MailResult.IGNORED, f"{sender} opened {limit} tickets within an hour (rate limit)")
    employee = lookups.employee(sender)
    contact = None if employee is not None else lookups.contact(sender)
    if employee is None and contact is None:
        if connection.unregistered == "refuse":
            return Outcome(MailResult.IGNORED, f"{sender} is not a registered employee or contact")
        if connection.unregistered == "contact":
            contact = _new_contact(parsed, sender)
            lookups.new_contact(sender, contact)
    ticket_type = connection.ticket_type or lookups.default_ticket_type()
    if ticket_type is None:
        return Outcome(MailResult.ERROR, "no active ticket type exists")
    person = employee or contact
    subject, description = parsed.subject.strip(), parsed.text or ""
    if follow_up_of is not None:
        subject, description = strip_ticket_tags(subject), follow_up_description(follow_up_of, parsed)
    actor = getattr(person, "user", None)
    ticket = create_ticket(
        actor=actor,
        ticket_type=ticket_type,
        subject=subject or "(no subject)",
        description=description,
        service=connection.service,
        agreement=connection.agreement,
        requester_employee=employee,
        requester_contact=contact,
        requester_email="" if person is not None else sender,
        requester_name="" if person is not None else (parsed.from_.name if parsed.from_ else ""),
        responsible_team=connection.team,
        channel=TicketChannel.EMAIL,
        files=attachment_files(parsed),
    )
    if follow_up_of is None:
        lookups.new_ticket(ticket)
        return Outcome(MailResult.TICKET, "", ticket_id=ticket.pk)
    link_follow_up(ticket=ticket, original=follow_up_of, actor=actor)
    lookups.new_ticket(ticket)
    return Outcome(
        MailResult.TICKET, f"follow-up of {follow_up_of.status} ticket #{follow_up_of.pk}", ticket_id=ticket.pk
    )


def follow_up_description(original: Ticket, parsed: ParsedMessage) -> str:
    """The new text of the reply (its quoted history belongs to the old ticket) under a line naming
    that ticket, in the installation's language: the description is written once for everybody."""
    body = (parsed.reply_text or parsed.text or "").strip()
    with translation.override(settings.LANGUAGE_CODE):
        line = gettext("Follow-up of #%(number)s “%(subject)s”.") % {
            "number": original.pk,
            "subject": original.subject,
        }
    return f"{line}\n\n{body}" if body else line


def _new_contact(parsed: ParsedMessage, sender: str) -> Contact | None:
    """A contact in the company whose mail domain matches; None (bare address) when no company does."""
    company = company_for_domain(sender)
    if company is None:
        return None
    last_name, first_name = contact_names(parsed, sender)
    return Contact.objects.create(company=company, last_name=last_name, first_name=first_name, email=sender)


# --- bounces -----------------------------------------------------------------------------------


def record_bounce(parsed: ParsedMessage) -> Outcome:
    """A bounce never becomes a ticket: it marks the failed recipients on the outbox row it returns."""
    info = parsed.bounce
    failed = list(info.failed_recipients) if info else []
    original = bare_id(info.original_message_id if info else "")
    report = {
        "original_message_id": original,
        "recipients": [
            {"address": r.address, "action": r.action, "status": r.status, "diagnostic": r.diagnostic[:500]}
            for r in failed
        ],
    }
    row = None
    if original:
        row = OutboxMessage.objects.select_for_update().filter(message_id__in=[original, f"<{original}>"]).first()
    if row is None:
        return Outcome(
            MailResult.IGNORED,
            "bounce for a message we did not send (or no longer keep)",
            outbox_message_id=original,
            bounce=report,
        )
    _mark_failed_recipients(row, failed)
    addresses = ", ".join(r.address for r in failed) or "unknown recipients"
    return Outcome(
        MailResult.IGNORED,
        f"bounce: delivery to {addresses} failed",
        ticket_id=_ticket_id(row),
        outbox_message_id=row.message_id,
        bounce=report,
    )


def _ticket_id(row: OutboxMessage) -> int | None:
    return row.ticket_id if row.ticket_id and Ticket.objects.filter(pk=row.ticket_id).exists() else None


def _mark_failed_recipients(row: OutboxMessage, failed: list[BounceRecipient]) -> None:
    recipients = dict(row.recipients)
    by_lower = {addr.lower(): addr for addr in recipients}
    for rec in failed:
        key = by_lower.get(rec.address.lower())
        if key is None:
            continue
        detail = " ".join(x for x in (rec.status, rec.diagnostic) if x) or "bounced"
        recipients[key] = {**recipients[key], "status": RecipientStatus.FAILED, "error": f"bounce: {detail}"[:1000]}
    row.recipients = recipients
    row.save(update_fields=["recipients"])

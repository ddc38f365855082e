"""What intake looks up per message, asked once per chunk of mail instead (see polling.process_chunk).

Every lookup also works without `prefetch` (one query per new key, remembered), which is how a
single message (the "reprocess" button) uses it. The caches live for one chunk transaction and
are kept current with what that transaction writes (new contacts, tickets, ledger rows), so a
reply is threaded onto a ticket opened earlier in the same chunk and a copy of a message in the
same chunk is still a duplicate.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import connection
from django.db.models import Count
from django.db.models.functions import Lower
from django.utils import timezone

from mailconf.models import IncomingConnection, MailResult, OutboxMessage, ProcessedMessage, RawMail
from mailconf.parsing import ParsedMessage, find_ticket_tag
from servicedesk.dbutil import server_bound_many
from servicedesk.models import Contact, Employee, Ticket, TicketType, TicketWatcher
from servicedesk.services.batch import TicketBatch

from .ledger import find_processed_by_message_id

FINISHED = (MailResult.TICKET, MailResult.COMMENT, MailResult.IGNORED)
_UNSET = object()


def bare_id(message_id: str | None) -> str:
    return (message_id or "").strip().strip("<>").strip()


def reference_ids(parsed: ParsedMessage) -> list[str]:
    ids = [bare_id(x) for x in [parsed.in_reply_to, *parsed.references] if x]
    return [x for x in ids if x]


class Lookups:
    def __init__(self, connection: IncomingConnection, *, savepoints: bool = True) -> None:
        self.connection = connection
        self.tickets = TicketBatch(savepoints=savepoints)
        self._employees: dict[str, Employee | None] = {}
        self._contacts: dict[str, Contact | None] = {}
        self._recent: dict[str, int] = {}
        self._earlier: dict[str, list[ProcessedMessage]] = {}
        # message id -> (rank, ticket id): outbox rows rank by pk, newer ledger rows win. A reused
        # Message-ID can stand for several tickets: every one is kept (see ticket_candidates).
        self._outbox: dict[str, tuple[int, int]] = {}
        self._processed: dict[str, list[tuple[int, int]]] = {}
        self._known_refs: set[str] = set()
        self._ticket_rows: dict[int, Ticket | None] = {}
        self._watchers: dict[int, set[str]] = {}
        self._rows: list[ProcessedMessage] = []
        self._ticket_type: object = _UNSET
        self._sequence = 0
        self._candidates: list[int] = []

    # --- batch loading -------------------------------------------------------------------------

    def prefetch(self, parsed: list[ParsedMessage]) -> None:
        """One query per kind for the senders, Message-IDs and references of a chunk."""
        senders = sorted({p.from_.address.lower() for p in parsed if p.from_ is not None and p.from_.address})
        if senders:
            self._load_people(senders)
            self._load_recent(senders)
        ids = sorted({bare_id(p.message_id) for p in parsed} - {""})
        if ids:
            self._load_earlier(ids)
        # The chunk's own IDs too: a mail recorded in this chunk then joins what is stored under
        # its (possibly reused) ID without a query of its own.
        refs = sorted({ref for p in parsed for ref in reference_ids(p)} | set(ids))
        if refs:
            self._load_threads(refs)
        candidates: set[int | None] = {pk for p in parsed for pk in self.ticket_candidates(reference_ids(p))}
        candidates |= {p.ticket_number or find_ticket_tag(p.subject or "") for p in parsed}
        self._candidates = sorted(pk for pk in candidates if pk is not None)
        self._load_tickets(self._candidates)

    def lock_tickets(self) -> None:
        """Lock the existing tickets the chunk may comment on, in id order, at the start of its
        transaction. Comments lock their ticket (the `updated_at` stamp) in mail order; two workers
        whose chunks answer the same tickets in different orders would otherwise deadlock, and
        PostgreSQL would fail one of the messages."""
        if self._candidates and connection.vendor == "postgresql":
            list(Ticket.objects.select_for_update().filter(pk__in=self._candidates).order_by("pk").values_list("pk"))

    def _load_people(self, senders: list[str]) -> None:
        caches: tuple[tuple[type[Employee] | type[Contact], dict[str, Any]], ...] = (
            (Employee, self._employees),
            (Contact, self._contacts),
        )
        for model, cache in caches:
            rows = (
                model._default_manager.annotate(email_lower=Lower("email"))
                .filter(email_lower__in=senders, is_active=True)
                .select_related("user")
                .order_by("pk")
            )
            for person in rows:
                cache.setdefault(person.email_lower, person)
            for address in senders:
                cache.setdefault(address, None)

    def _load_recent(self, senders: list[str]) -> None:
        since = timezone.now() - timedelta(hours=1)
        rows = (
            ProcessedMessage.objects.filter(sender__in=senders, result=MailResult.TICKET, processed_at__gte=since)
            .values("sender")
            .annotate(n=Count("id"))
            .values_list("sender", "n")
        )
        self._recent.update(dict.fromkeys(senders, 0))
        self._recent.update(dict(rows))

    def _load_earlier(self, ids: list[str]) -> None:
        rows = ProcessedMessage.objects.filter(
            connection=self.connection, message_id__in=ids, result__in=FINISHED
        ).order_by("pk")
        for message_id in ids:
            self._earlier.setdefault(message_id, [])
        for row in rows:
            self._earlier[row.message_id].append(row)

    def _load_threads(self, refs: list[str]) -> None:
        variants = refs + [f"<{x}>" for x in refs]
        outbox = OutboxMessage.objects.filter(message_id__in=variants, ticket_id__isnull=False)
        for pk, message_id, ticket_id in outbox.values_list("pk", "message_id", "ticket_id"):
            key = bare_id(message_id)
            if ticket_id is not None and pk > self._outbox.get(key, (-1, 0))[0]:
                self._outbox[key] = (pk, ticket_id)
        processed = ProcessedMessage.objects.filter(message_id__in=refs, ticket__isnull=False)
        for pk, message_id, ticket_id in processed.values_list("pk", "message_id", "ticket_id"):
            self._processed.setdefault(message_id, []).append((pk, ticket_id))
        self._known_refs.update(refs)

    def _load_tickets(self, pks: list[int]) -> None:
        pks = [pk for pk in pks if pk not in self._ticket_rows]
        if not pks:
            return
        rows = Ticket.objects.select_related("requester_employee", "requester_contact").filter(pk__in=pks)
        self._ticket_rows.update(dict.fromkeys(pks))
        self._ticket_rows.update({ticket.pk: ticket for ticket in rows})
        self._load_watchers(pks)

    def _load_watchers(self, pks: list[int]) -> None:
        for pk in pks:
            self._watchers.setdefault(pk, set())
        rows = TicketWatcher.objects.filter(ticket_id__in=pks).values_list(
            "ticket_id", "email", "employee__email", "contact__email"
        )
        for ticket_id, *addresses in rows:
            self._watchers[ticket_id].update(a.lower() for a in addresses if a)

    # --- lookups -------------------------------------------------------------------------------

    def employee(self, address: str) -> Employee | None:
        key = address.lower()
        if key not in self._employees:
            self._employees[key] = (
                Employee.objects.filter(email__iexact=address, is_active=True).select_related("user").first()
            )
        return self._employees[key]

    def contact(self, address: str) -> Contact | None:
        key = address.lower()
        if key not in self._contacts:
            self._contacts[key] = (
                Contact.objects.filter(email__iexact=address, is_active=True).select_related("user").first()
            )
        return self._contacts[key]

    def recent_tickets(self, sender: str) -> int:
        key = sender.lower()
        if key not in self._recent:
            since = timezone.now() - timedelta(hours=1)
            self._recent[key] = ProcessedMessage.objects.filter(
                sender=key, result=MailResult.TICKET, processed_at__gte=since
            ).count()
        return self._recent[key]

    def earlier(self, message_id: str, *, exclude_pk: int | None = None) -> list[ProcessedMessage]:
        """The finished ledger rows of this connection with the Message-ID, oldest first (dedupe key 2)."""
        if not message_id:
            return []
        if exclude_pk is None and message_id in self._earlier:
            found = self._earlier[message_id]
            if any(row.pk is None for row in found):
                self.save_rows()  # a copy within the chunk: its duplicate row names it by id
            return found
        return find_processed_by_message_id(self.connection, message_id, exclude_pk=exclude_pk)

    def ticket_for_references(self, ids: list[str]) -> int | None:
        """The ticket an outbox message (newest first), else a recorded incoming one, belongs to."""
        candidates = self.ticket_candidates(ids)
        return candidates[0] if candidates else None

    def ticket_candidates(self, ids: list[str]) -> list[int]:
        """Tickets the references point to, best first: our own outbox messages (their IDs are
        ours, so unique), newest first; then recorded incoming mail, newest first (more than one
        when a Message-ID was reused by different mails)."""
        missing = [x for x in ids if x not in self._known_refs]
        if missing:
            self._load_threads(missing)
        ours = sorted((self._outbox[x] for x in ids if x in self._outbox), reverse=True)
        theirs = sorted((pair for x in ids for pair in self._processed.get(x, ())), reverse=True)
        if ours:
            return _unique([ticket_id for _rank, ticket_id in ours])
        return _unique([ticket_id for _rank, ticket_id in theirs])

    def ticket(self, pk: int) -> Ticket | None:
        if pk not in self._ticket_rows:
            self._ticket_rows[pk] = (
                Ticket.objects.select_related("requester_employee", "requester_contact").filter(pk=pk).first()
            )
        return self._ticket_rows[pk]

    def watcher_addresses(self, ticket_id: int) -> set[str]:
        """Lower-cased addresses of the ticket's watchers (their own, their employee's or contact's)."""
        if ticket_id not in self._watchers:
            self._load_watchers([ticket_id])
        return self._watchers[ticket_id]

    def default_ticket_type(self) -> TicketType | None:
        if self._ticket_type is _UNSET:
            self._ticket_type = TicketType.objects.filter(is_active=True).order_by("pk").first()
        return self._ticket_type  # type: ignore[return-value]

    # --- what the chunk wrote ------------------------------------------------------------------

    def new_ticket(self, ticket: Ticket) -> None:
        """A ticket opened in this chunk (it has no watchers yet): a reply later in the chunk finds it."""
        self._ticket_rows[ticket.pk] = ticket
        self._watchers[ticket.pk] = set()

    def new_contact(self, address: str, contact: Contact | None) -> None:
        if contact is not None:
            self._contacts[address.lower()] = contact

    def queue_row(self, entry: ProcessedMessage) -> None:
        """Keep a new ledger row for `save_rows` (one INSERT per chunk) and remember it."""
        self._rows.append(entry)
        self.remember(entry)

    def save_rows(self) -> None:
        """Insert the queued ledger rows; called before the chunk's transaction commits. Their
        UNIQUE key (connection, server id) still guards the transaction: a row another worker
        wrote meanwhile makes the INSERT, and so the whole chunk, fail."""
        rows, self._rows = self._rows, []
        if rows:
            ProcessedMessage.objects.bulk_create(rows)
            insert_raw_mail([(row.pk, row.pending_raw) for row in rows if row.pending_raw is not None])
            for row in rows:
                row.pending_raw = None

    def remember(self, entry: ProcessedMessage) -> None:
        """A ledger row this chunk records: later messages see it as an earlier copy and a thread."""
        if entry.result == MailResult.TICKET and entry.sender:
            self._recent[entry.sender.lower()] = self.recent_tickets(entry.sender) + 1
        if not entry.message_id or entry.result not in FINISHED:
            return
        if entry.message_id not in self._earlier:
            self._load_earlier([entry.message_id])
        self._earlier[entry.message_id].append(entry)
        if entry.ticket_id is not None:
            # Ranked above every stored row: it is the newest ledger row with this Message-ID.
            if entry.message_id not in self._known_refs:
                self._load_threads([entry.message_id])
            self._sequence += 1
            self._processed.setdefault(entry.message_id, []).append(((1 << 62) + self._sequence, entry.ticket_id))


def insert_raw_mail(rows: list[tuple[int, bytes]]) -> None:
    """Insert RawMail rows (ledger row id, exact bytes) in the current transaction.

    On PostgreSQL through a server-binding cursor of the same connection: the bytes travel as
    binary parameters, where Django's client-side binding would first spell each message out as a
    hex literal twice its size (a 24 MB message took the poller from 250 to 390 MB)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        RawMail.objects.bulk_create([RawMail(entry_id=pk, data=data) for pk, data in rows], batch_size=100)
        return
    table = connection.ops.quote_name(RawMail._meta.db_table)
    server_bound_many(f"INSERT INTO {table} (entry_id, data) VALUES (%s, %s)", rows)


def _unique(ids: list[int]) -> list[int]:
    return list(dict.fromkeys(ids))

"""The outbox: every message the product sends is a row before it is a packet.

Composing and queueing (`enqueue`, `compose`, `mime`), delivering over the outgoing connection
(`delivery`, claimed with a lease, one connection per batch, per-recipient results, backoff),
code-owned mails (`emails`), Django's e-mail backend (`backend`) and the Celery tasks (`tasks`).
Imports point down only: `mailconf.connections`, `mailconf.protocols`, `mailconf.models`.

Public API (import from `mailconf.outbox`):

- `enqueue_mail(*, to, subject, text, html="", cc=(), bcc=(), reply_to=None, kind="notification",
  ticket_id=None, in_reply_to="", references=(), auto_submitted=True, attachments=(),
  headers=None, schedule=True, sign=None) -> OutboxMessage`: one row in the caller's
  transaction, delivered after commit. Kinds: "notification", "reply", "system", "test".
- `enqueue_mail_many(messages) -> list[OutboxMessage]`: the same for a list of keyword dicts,
  in one INSERT and one delivery request (notification fan-outs).
- `OutgoingAttachment(filename, content, content_type)`: a file to attach.
- `ticket_thread_headers(ticket_id) -> (in_reply_to, references)` and
  `ticket_subject_tag(ticket_id) -> "[#N]"`: threading for mail about a ticket.
- `body_as_sent(text, html, kind=..., sign=None)`: the body as the outbox will store it, company
  signature included (for previews that must look the same).
- `send_code_mail(name, to=..., context=...)`, `send_test_mail(to=...)`: code-owned mails.
- `deliver_due(ids=None)`, `resend_messages(ids)`, `cancel_messages(ids)`, `prune_sent()`,
  `outbox_summary()`, `check_outbox_stuck()`: delivery and the technologists' actions.
- `schedule_delivery(ids)`: ask a worker to deliver rows after commit.
- `MessageSpec`, `build_message(spec)`, `make_message_id(domain)`, `valid_message_ids(values)`,
  `with_signature(text, html, signature)`: the MIME builder itself, for mail sent through another
  transport than the outbox's (personal mailboxes).
"""

from __future__ import annotations

from .compose import body_as_sent, ticket_subject_tag, ticket_thread_headers, with_signature
from .delivery import DeliveryStats, check_outbox_stuck, deliver_due, outbox_summary, prune_sent
from .emails import send_code_mail, send_test_mail
from .enqueue import cancel_messages, enqueue_mail, enqueue_mail_many, resend_messages
from .mime import MessageSpec, OutgoingAttachment, build_message, make_message_id, valid_message_ids
from .tasks import schedule_delivery

__all__ = [
    "DeliveryStats",
    "MessageSpec",
    "build_message",
    "make_message_id",
    "valid_message_ids",
    "with_signature",
    "OutgoingAttachment",
    "cancel_messages",
    "check_outbox_stuck",
    "body_as_sent",
    "deliver_due",
    "enqueue_mail",
    "enqueue_mail_many",
    "outbox_summary",
    "prune_sent",
    "resend_messages",
    "schedule_delivery",
    "send_code_mail",
    "send_test_mail",
    "ticket_subject_tag",
    "ticket_thread_headers",
]

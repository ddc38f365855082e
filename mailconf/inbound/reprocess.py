"""The mail log's "Reprocess" action: run intake again on a stored raw message."""

from __future__ import annotations

import logging

from django.db import transaction

from mailconf.models import MailResult, ProcessedMessage

from .intake import process_raw
from .ledger import apply_outcome, read_raw

log = logging.getLogger(__name__)


def reprocess(entry: ProcessedMessage) -> ProcessedMessage:
    """Parse the stored raw message again and run intake on it.

    Idempotent: a row that already became a ticket or a comment is returned unchanged, so pressing
    the button twice (or on a finished row) never files the message twice. Error and ignored rows
    run again; if they now succeed, the next poll moves the message on the server accordingly.
    """
    with transaction.atomic():
        locked = ProcessedMessage.objects.select_for_update().get(pk=entry.pk)
        if locked.result in (MailResult.TICKET, MailResult.COMMENT, MailResult.DUPLICATE):
            return locked
        raw = read_raw(locked)
        connection = locked.connection
        if connection is None:
            raise ValueError("the connection of this message has been deleted")
        locked.attempts += 1
        outcome = process_raw(connection, locked, raw)
        apply_outcome(locked, outcome)
    log.info("mail log entry %s reprocessed: %s", locked.pk, locked.result)
    return locked

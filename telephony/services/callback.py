"""Call-back tickets: a known client contact who leaves a voicemail, or misses the line
`missed_calls` times within a rule's window, gets a ticket for the service's responsible.

While the ticket a rule opened for a contact is open, further calls are added to it as private
comments instead of opening another; a contact row lock serialises two workers handling two calls
of the same person.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from servicedesk.models import OPEN_STATUSES, Contact, TicketChannel
from servicedesk.services.tickets import add_comment, create_ticket

from ..models import CallbackRule, CallbackTicket, CallKind, PbxCall
from ..phones import contacts_for
from ..values import calls_url, minutes_seconds

log = logging.getLogger(__name__)


def match_contact(call: PbxCall) -> Contact | None:
    """The one client contact with the caller's number; none when nobody or several people have it."""
    if not call.caller_number:
        return None
    found = list(contacts_for(call.caller_number).select_related("company")[:2])
    return found[0] if len(found) == 1 else None


def _line(call: PbxCall) -> str:
    when = formats.date_format(timezone.localtime(call.called_at), "DATETIME_FORMAT")
    if call.kind == CallKind.VOICEMAIL:
        length = minutes_seconds(call.duration or call.audio_seconds or 0)
        return _("%(when)s: voicemail (%(length)s) from %(caller)s to %(to)s, listen: %(url)s") % {
            "when": when,
            "length": length,
            "caller": call.caller_display,
            "to": call.to,
            "url": calls_url(call),
        }
    return _("%(when)s: missed call from %(caller)s to %(to)s") % {
        "when": when,
        "caller": call.caller_display,
        "to": call.to,
    }


def _listens(rule: CallbackRule, call: PbxCall) -> bool:
    return rule.on_voicemail if call.kind == CallKind.VOICEMAIL else bool(rule.missed_calls)


def _triggered(rule: CallbackRule, call: PbxCall, contact: Contact) -> bool:
    if call.kind == CallKind.VOICEMAIL:
        return rule.on_voicemail
    if not call.caller_digits:
        return False
    window_start = call.called_at - timedelta(minutes=rule.within_minutes)
    missed = PbxCall.objects.filter(
        kind=CallKind.MISSED,
        caller_digits=call.caller_digits,
        called_at__gte=window_start,
        called_at__lte=call.called_at,
        callback_ticket__isnull=True,  # calls added to a ticket were answered by it
    )
    last = CallbackTicket.objects.filter(rule=rule, contact=contact).order_by("-created_at").first()
    if last is not None:
        missed = missed.filter(received_at__gt=last.created_at)  # earlier calls were answered by that ticket
    count = missed.count()
    return count >= rule.missed_calls


def _open_ticket_of(rule: CallbackRule, contact: Contact) -> CallbackTicket | None:
    return (
        CallbackTicket.objects.select_related("ticket")
        .filter(rule=rule, contact=contact, ticket__status__in=OPEN_STATUSES)
        .order_by("-created_at")
        .first()
    )


def _apply(rule: CallbackRule, call: PbxCall, contact: Contact) -> None:
    Contact.objects.select_for_update().filter(pk=contact.pk).first()
    existing = _open_ticket_of(rule, contact)
    if existing is not None:
        add_comment(ticket=existing.ticket, actor=None, body=_line(call), is_private=True, author_name=_("Telephony"))
        call.callback_ticket = existing.ticket
        return
    if not _triggered(rule, call, contact):
        return
    number = call.caller_number or call.caller_id
    ticket = create_ticket(
        actor=None,
        ticket_type=rule.ticket_type,
        subject=_("Call back %(contact)s (%(number)s)") % {"contact": contact.full_name, "number": number},
        description=_line(call),
        service=rule.service,
        requester_contact=contact,
        priority=rule.priority,
        channel=TicketChannel.PHONE,
    )
    CallbackTicket.objects.create(rule=rule, contact=contact, ticket=ticket)
    call.callback_ticket = ticket


def apply_callback_rules(call: PbxCall) -> None:
    """Run every enabled rule for the call (in the caller's transaction); a rule that cannot open
    its ticket (no agreement covers the contact, an inactive service) is noted on the call."""
    if call.contact is None:
        return
    errors = []
    with translation.override(settings.LANGUAGE_CODE):
        for rule in CallbackRule.objects.filter(enabled=True).select_related("service", "ticket_type").order_by("pk"):
            if not _listens(rule, call):
                continue
            try:
                with transaction.atomic():
                    _apply(rule, call, call.contact)
            except ValidationError as error:
                messages = [str(m) for m in getattr(error, "messages", [error])]
                errors.append(f"{rule.name}: {' '.join(messages)}")
                log.warning("call-back rule %s did not open a ticket for call %s: %s", rule.pk, call.pk, messages)
    call.callback_error = "; ".join(errors)[:500]

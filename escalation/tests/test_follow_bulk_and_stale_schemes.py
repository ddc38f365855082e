"""Tickets filed in bulk (mail intake) are followed by the next scheduler tick; a scheme deleted a
moment ago in another process never breaks registering a ticket."""

from __future__ import annotations

import pytest
from django.db import transaction

from escalation import schemes
from escalation.models import EscalationFiring, EscalationScheme, EscalationTrack
from escalation.tasks import tick
from servicedesk.models import Ticket
from servicedesk.services.batch import TicketBatch
from servicedesk.services.tickets import create_ticket
from servicedesk.testing.cast import Cast

from .conftest import at, msk, use_office_hours

pytestmark = pytest.mark.django_db


def test_bulk_filed_tickets_get_their_tracks_at_the_next_tick(cast: Cast) -> None:
    use_office_hours(cast)
    batch = TicketBatch()
    with at(msk(11, 23, 9)), transaction.atomic():
        for n in range(3):
            with batch.item():
                create_ticket(
                    actor=None,
                    ticket_type=cast.incident,
                    subject=f"Письмо {n}",
                    requester_contact=cast.client,
                )
        batch.flush()
    assert Ticket.objects.filter(deadlines_pending=True).count() == 3
    assert not EscalationTrack.objects.exists()
    with at(msk(11, 23, 13)):
        tick()
    assert not Ticket.objects.filter(deadlines_pending=True).exists()
    assert EscalationTrack.objects.count() == 6
    assert EscalationFiring.objects.count() == 6  # reaction (11:00) and 50 % (13:00) of each


def test_a_scheme_deleted_elsewhere_does_not_break_registration(cast: Cast) -> None:
    schemes.for_target("ticket_reaction")  # this process has compiled the schemes
    EscalationScheme.objects.filter(code="ticket-reaction").delete()  # ... and another deletes one
    ticket = create_ticket(actor=None, ticket_type=cast.incident, subject="x", requester_contact=cast.client)
    assert list(EscalationTrack.objects.filter(object_id=ticket.pk).values_list("scheme__code", flat=True)) == [
        "ticket-resolution"
    ]

"""A known client contact (matched by the normalised phone number) who leaves a voicemail, or
misses the line repeatedly, gets a call-back ticket assigned per the service's responsible."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from servicedesk.models import Contact, Priority, Ticket, TicketChannel, TicketStatus
from telephony.models import CallbackRule, PbxCall
from telephony.services.intake import CallReport, Recording, record_missed_call, record_voicemail
from telephony.services.tokens import create_token
from telephony.testing import wav_bytes

pytestmark = pytest.mark.django_db
START = datetime(2025, 3, 14, 6, 0, tzinfo=UTC)


@pytest.fixture
def client_phone(cast) -> Contact:
    Contact.objects.filter(pk=cast.client.pk).update(phone="+7 (495) 123-45-67")
    return cast.client


@pytest.fixture
def pbx(db):
    return create_token(pbx_name="office")[0].pbx


def _rule(cast, **fields) -> CallbackRule:
    values = {
        "name": "Call back clients",
        "service": cast.email_service,
        "ticket_type": cast.incident,
        "priority": Priority.HIGH,
        "on_voicemail": True,
        "missed_calls": 3,
        "within_minutes": 60,
    }
    values.update(fields)
    return CallbackRule.objects.create(**values)


def _report(n: int, caller: str = '"Кирилл" <8 495 123 45 67>', minutes: int = 0) -> CallReport:
    return CallReport(caller_id=caller, to="201", duration=5, date=START + timedelta(minutes=minutes), call_id=f"c{n}")


def test_voicemail_from_a_known_contact_opens_a_ticket_for_the_service(
    cast, client_phone, pbx, phone_settings, committed
):
    _rule(cast)
    audio = wav_bytes(0.3)
    with committed():
        call, _ = record_voicemail(
            pbx=pbx, report=_report(1), recording=Recording(io.BytesIO(audio), "msg.wav", "audio/wav", 0.3)
        )
    call.refresh_from_db()
    assert call.contact == client_phone
    ticket = call.callback_ticket
    assert ticket is not None
    assert ticket.requester_contact == client_phone
    assert ticket.service == cast.email_service and ticket.responsible_team == cast.team
    assert (ticket.type, ticket.priority, ticket.channel) == (cast.incident, Priority.HIGH, TicketChannel.PHONE)
    assert "Кирилл" in ticket.subject and f"/calls/#call-{call.pk}" in ticket.description


def test_repeated_missed_calls_open_one_ticket_then_add_to_it(cast, client_phone, pbx, phone_settings, committed):
    _rule(cast, on_voicemail=False)
    calls = []
    for n in range(4):
        with committed():
            call, _ = record_missed_call(pbx=pbx, report=_report(n, minutes=10 * n))
        calls.append(PbxCall.objects.get(pk=call.pk))
    assert [c.callback_ticket_id is not None for c in calls] == [False, False, True, True]
    assert calls[2].callback_ticket_id == calls[3].callback_ticket_id
    ticket = Ticket.objects.get()
    assert ticket.comments.filter(is_private=True).count() == 1  # the fourth call

    Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.CLOSED)
    for n in range(4, 6):
        with committed():
            record_missed_call(pbx=pbx, report=_report(n, minutes=10 * n))
    assert Ticket.objects.count() == 1  # the calls answered by the closed ticket do not count again
    with committed():
        record_missed_call(pbx=pbx, report=_report(6, minutes=60))
    assert Ticket.objects.count() == 2


def test_calls_spread_beyond_the_window_do_not_trigger(cast, client_phone, pbx, phone_settings, committed):
    _rule(cast, on_voicemail=False, within_minutes=30)
    for n in range(3):
        with committed():
            record_missed_call(pbx=pbx, report=_report(n, minutes=20 * n))
    assert not Ticket.objects.exists()


def test_unknown_numbers_and_extensions_open_nothing(cast, client_phone, pbx, phone_settings, committed):
    _rule(cast, missed_calls=1)
    with committed():
        record_missed_call(pbx=pbx, report=_report(1, caller="Stranger <+7 999 000 00 00>"))
    with committed():
        record_missed_call(pbx=pbx, report=_report(2, caller="Colleague <202>"))
    assert not Ticket.objects.exists()
    assert PbxCall.objects.filter(contact__isnull=False).count() == 0


def test_a_rule_that_cannot_open_a_ticket_says_why_on_the_call(cast, client_phone, pbx, phone_settings, committed):
    _rule(cast, missed_calls=1, service=cast.printer_service)  # no agreement gives the client this service
    with committed():
        call, _ = record_missed_call(pbx=pbx, report=_report(1))
    call.refresh_from_db()
    assert not Ticket.objects.exists()
    assert "Call back clients" in call.callback_error and call.processed_at is not None


def test_disabled_rule_does_nothing(cast, client_phone, pbx, phone_settings, committed):
    _rule(cast, missed_calls=1, enabled=False)
    with committed():
        record_missed_call(pbx=pbx, report=_report(1))
    assert not Ticket.objects.exists()

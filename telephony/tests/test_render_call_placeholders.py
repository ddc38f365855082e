"""Every placeholder of the missed-call and voicemail templates, rendered by the product's one
renderer; caller ids split in every form PBXs send them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from telephony.callerid import parse_caller_id
from telephony.compose import missed_mail, template_errors, unwrap, voicemail_mail
from telephony.models import CallKind, Pbx, PbxCall, TelephonySettings


@pytest.mark.parametrize(
    ("raw", "name", "number"),
    [
        ('"Alexey Portnov" <101>', "Alexey Portnov", "101"),
        ("Alexey Portnov <101>", "Alexey Portnov", "101"),
        ("101", "", "101"),
        ("+7 (912) 345-67-89", "", "+7 (912) 345-67-89"),
        ('"" <101>', "", "101"),
        ("<101>", "", "101"),
        ('"O\\"Brien, Pat" <+3531234567>', 'O"Brien, Pat', "+3531234567"),
        ('"Иван Петров" <89123456789>', "Иван Петров", "89123456789"),
        ("Reception", "Reception", ""),
        ("anonymous", "", ""),
        ("", "", ""),
        ("  Name   Spaced  <  202 > ", "Name Spaced", "202"),
    ],
)
def test_caller_id_forms(raw, name, number):
    assert parse_caller_id(raw) == (name, number)


def _call(kind: str, **fields) -> PbxCall:
    values = {
        "pbx": Pbx(name="pbx"),
        "kind": kind,
        "caller_id": '"Alexey Portnov" <101>',
        "caller_name": "Alexey Portnov",
        "caller_number": "101",
        "to": "201",
        "duration": 75,
        "called_at": datetime(2025, 3, 14, 6, 26, 53, tzinfo=UTC),
        "cause": "NOANSWER",
        "pk": 7,
    }
    values.update(fields)
    return PbxCall(**values)


def _config(**templates: str) -> TelephonySettings:
    return TelephonySettings(**templates)


def test_every_missed_call_placeholder():
    config = _config(
        missed_subject_en="NOTIFICATION_CALLERID",
        missed_body_en="|NOTIFICATION_MISSEDCAUSE|NOTIFICATION_CALLERID|NOTIFICATION_TO|NOTIFICATION_DURATION|"
        "NOTIFICATION_DATE|NOTIFICATION_CALLER_NAME|NOTIFICATION_CALLER_NUM|RECIPIENT_NAME|CALLS_URL|",
    )
    composed = missed_mail([_call(CallKind.MISSED)], language="en", recipient_name="Anna", config=config)
    assert composed.subject == '"Alexey Portnov" <101>'
    assert composed.text == (
        '|NOANSWER|"Alexey Portnov" <101>|201|75|14.03.2025 09:26|Alexey Portnov|101|Anna|'
        "http://127.0.0.1:8000/calls/#call-7|"
    )


def test_every_voicemail_placeholder_and_the_asterisk_aliases():
    config = _config(
        voicemail_subject_ru="VM_CALLERID",
        voicemail_body_ru="|VM_DATE|VM_CALLERID|VM_DUR|VM_CALLER_NAME|VM_CALLER_NUM|VM_CIDNAME|VM_CIDNUM|"
        "VM_MAILBOX|RECIPIENT_NAME|CALLS_URL|",
        voicemail_footer_ru="${VM_CIDNAME} (${VM_CIDNUM})",
    )
    composed = voicemail_mail(_call(CallKind.VOICEMAIL), language="ru", recipient_name="Анна", config=config)
    assert composed.text == (
        '|14.03.2025 09:26|"Alexey Portnov" <101>|1:15|Alexey Portnov|101|Alexey Portnov|101|201|Анна|'
        "http://127.0.0.1:8000/calls/#call-7|\n\nAlexey Portnov (101)"
    )


def test_voicemail_length_comes_from_the_recording_when_the_pbx_sends_none():
    config = _config(voicemail_body_en="VM_DUR")
    call = _call(CallKind.VOICEMAIL, duration=0, audio_seconds=7.4)
    assert voicemail_mail(call, language="en", recipient_name="", config=config).text == "0:07"


def test_values_cannot_inject_headers_or_placeholders():
    config = _config(missed_subject_en="From NOTIFICATION_CALLERID", missed_body_en="NOTIFICATION_CALLERID")
    call = _call(CallKind.MISSED, caller_id="evil\r\nBcc: x@evil.example NOTIFICATION_TO")
    composed = missed_mail([call], language="en", recipient_name="", config=config)
    assert composed.subject == "From evil Bcc: x@evil.example NOTIFICATION_TO"
    assert "NOTIFICATION_TO" in composed.text  # a value is never rendered again


def test_unknown_placeholders_are_reported_per_field():
    errors = template_errors(
        "missed",
        {
            "missed_body_ru": "NOTIFICATION_CALLERID VM_DUR TICKET_NUMBER NOTIFICATION_CALLERIDX",
            "missed_subject_ru": "ok",
        },
    )
    assert errors == {"missed_body_ru": ["VM_DUR", "TICKET_NUMBER", "NOTIFICATION_CALLERIDX"]}
    assert template_errors("voicemail", {"voicemail_body_en": "${VM_CALLERID} ${VM_NAME}"}) == {
        "voicemail_body_en": ["VM_NAME"]
    }
    assert unwrap("${VM_DUR}") == "VM_DUR"


@pytest.mark.django_db
def test_shipped_templates_use_only_their_placeholders():
    config = TelephonySettings.load()
    assert template_errors("missed", {f: getattr(config, f) for f in TelephonySettings.MISSED_FIELDS}) == {}
    assert template_errors("voicemail", {f: getattr(config, f) for f in TelephonySettings.VOICEMAIL_FIELDS}) == {}
    assert all(getattr(config, f) for f in (*TelephonySettings.MISSED_FIELDS, *TelephonySettings.VOICEMAIL_FIELDS))

"""Placeholder values of one call, formatted in the recipient's language."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation

from notifications.context import zone

from .models import PbxCall


def calls_url(call: PbxCall | None = None) -> str:
    path = reverse("telephony:calls")
    return f"{settings.SITE_URL}{path}" + (f"#call-{call.pk}" if call is not None and call.pk else "")


def when(call: PbxCall, language: str, time_zone: str = "") -> str:
    """The call's moment in the product's one format, in the recipient's zone (empty: TIME_ZONE)."""
    with translation.override(language):
        return formats.date_format(timezone.localtime(call.called_at, zone(time_zone)), "DATETIME_FORMAT")


def minutes_seconds(seconds: float | int) -> str:
    """Asterisk's VM_DUR form: 0:07, 12:30."""
    total = int(round(seconds))
    return f"{total // 60}:{total % 60:02d}"


def missed_values(call: PbxCall, language: str, time_zone: str = "") -> dict[str, str]:
    return {
        "NOTIFICATION_MISSEDCAUSE": call.cause,
        "NOTIFICATION_CALLERID": call.caller_id,
        "NOTIFICATION_TO": call.to,
        "NOTIFICATION_DURATION": str(call.duration),
        "NOTIFICATION_DATE": when(call, language, time_zone),
        "NOTIFICATION_CALLER_NAME": call.caller_name,
        "NOTIFICATION_CALLER_NUM": call.caller_number,
        "CALLS_URL": calls_url(call),
    }


def voicemail_values(call: PbxCall, language: str, time_zone: str = "") -> dict[str, str]:
    length = call.duration or call.audio_seconds or 0
    return {
        "VM_DATE": when(call, language, time_zone),
        "VM_CALLERID": call.caller_id,
        "VM_DUR": minutes_seconds(length),
        "VM_CALLER_NAME": call.caller_name,
        "VM_CALLER_NUM": call.caller_number,
        "VM_CIDNAME": call.caller_name,
        "VM_CIDNUM": call.caller_number,
        "VM_MAILBOX": call.to,
        "CALLS_URL": calls_url(call),
    }


def values_for(call: PbxCall, language: str) -> dict[str, str]:
    return missed_values(call, language) if call.kind == "missed" else voicemail_values(call, language)

"""The telephony events of the notification catalogue and the placeholders their templates offer.

The same placeholder lists validate the technologist's missed-call and voicemail mail templates
(System settings → Telephony) and the templates of event actions on these events, so the names
come from one place: the catalogue.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from notifications import catalogue

GROUP_CALLS = "calls"
MISSED_CALL = "telephony.missed_call"
VOICEMAIL = "telephony.voicemail"

MISSED_PLACEHOLDERS: dict[str, Promise | str] = {
    "NOTIFICATION_MISSEDCAUSE": _("Why the call was missed (NOANSWER)"),
    "NOTIFICATION_CALLERID": _("Who called (caller id as the PBX sent it)"),
    "NOTIFICATION_TO": _("Number that was called"),
    "NOTIFICATION_DURATION": _("Duration, seconds"),
    "NOTIFICATION_DATE": _("Date of the call"),
    "NOTIFICATION_CALLER_NAME": _("Caller name (from the caller id)"),
    "NOTIFICATION_CALLER_NUM": _("Caller number (from the caller id)"),
    "CALLS_URL": _("Link to the calls page"),
}
VOICEMAIL_PLACEHOLDERS: dict[str, Promise | str] = {
    "VM_DATE": _("Date and time of the message"),
    "VM_CALLERID": _("Caller id of the caller, e.g. “Alexey Portnov” <101>"),
    "VM_DUR": _("Length of the message (minutes:seconds)"),
    "VM_CALLER_NAME": _("Caller name (from VM_CALLERID)"),
    "VM_CALLER_NUM": _("Caller number (from VM_CALLERID)"),
    "VM_CIDNAME": _("Caller name (Asterisk's name for VM_CALLER_NAME)"),
    "VM_CIDNUM": _("Caller number (Asterisk's name for VM_CALLER_NUM)"),
    "VM_MAILBOX": _("Number that was called"),
    "CALLS_URL": _("Link to the calls page"),
}


def register() -> None:
    """Called from TelephonyConfig.ready()."""
    catalogue.register_group(GROUP_CALLS, _("Calls: missed calls and voicemail"))
    catalogue.register_event(
        catalogue.EventSpec(
            MISSED_CALL,
            _("Missed call"),
            GROUP_CALLS,
            (*MISSED_PLACEHOLDERS, "RECIPIENT_NAME"),
            ticket_bound=False,
        ),
        MISSED_PLACEHOLDERS,
    )
    catalogue.register_event(
        catalogue.EventSpec(
            VOICEMAIL,
            _("Voicemail"),
            GROUP_CALLS,
            (*VOICEMAIL_PLACEHOLDERS, "RECIPIENT_NAME"),
            ticket_bound=False,
        ),
        VOICEMAIL_PLACEHOLDERS,
    )


def placeholders(kind: str) -> dict[str, Promise | str]:
    """Name → label for the mail templates of "missed" or "voicemail" (from the catalogue)."""
    return catalogue.placeholders_for(MISSED_CALL if kind == "missed" else VOICEMAIL)

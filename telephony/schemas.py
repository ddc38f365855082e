"""Request and response bodies of the PBX API; the OpenAPI schema is generated from these."""

from __future__ import annotations

from ninja import Schema
from pydantic import AwareDatetime, ConfigDict, Field

CALLER_ID = Field(
    "",
    max_length=255,
    description='Caller id exactly as the PBX has it: `"Alexey Portnov" <101>`, `Name <number>` or a bare number.',
    examples=['"Alexey Portnov" <101>'],
)
TO = Field(
    ...,
    min_length=1,
    max_length=255,
    description="The extension or number that was called; several (a ring group) separated by commas.",
    examples=["201"],
)
DURATION = Field(0, ge=0, le=7 * 24 * 3600, description="Duration in seconds.", examples=[17])
DATE = Field(
    ...,
    description="When the call happened, ISO 8601 with a UTC offset.",
    examples=["2025-03-14T09:26:53+03:00"],
)
CAUSE = Field(
    "NOANSWER",
    max_length=64,
    description="Why the call was missed, kept as sent (Asterisk's DIALSTATUS: NOANSWER, BUSY, …).",
    examples=["NOANSWER"],
)
CALL_ID = Field(
    "",
    max_length=128,
    description=(
        "The PBX's id of the call (Asterisk: UNIQUEID or LINKEDID). A retried request with the same "
        "call_id stores nothing twice; a voicemail sent under the call_id of a missed call reaches "
        "everybody who missed that call."
    ),
    examples=["1710397613.42"],
)


class CallIn(Schema):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    caller_id: str = CALLER_ID
    to: str = TO
    duration: int = DURATION
    date: AwareDatetime = DATE
    cause: str = CAUSE
    call_id: str = CALL_ID


class MissedCallIn(CallIn):
    """A missed call."""


class VoicemailIn(CallIn):
    """A voicemail message; the recording comes in the `audio` part of the same form."""


class CallOut(Schema):
    id: int = Field(..., description="Id of the stored call.")
    created: bool = Field(..., description="False when this call_id was stored before (nothing new was stored).")


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str = Field(..., description="What is wrong, for a person reading the PBX's log.")
    errors: list[FieldError] = Field(default_factory=list, description="One entry per field at fault.")

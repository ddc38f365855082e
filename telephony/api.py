"""The PBX API (`/api/pbx/v1/`): missed calls and voicemail, with a bearer token per PBX.

Built on django-ninja: the request bodies are pydantic models (schemas.py) and the OpenAPI schema
served at `/api/pbx/v1/openapi.json` is generated from the same code, so the two cannot drift; a
test keeps the committed copy (docs/pbx-api.openapi.json) equal to it.

Answers: 201 with the stored id; 200 with the same id for a retry with a known call_id; 401 when
the token is missing or unknown, 403 when it was revoked; 400 naming the field at fault; 409 when a
call_id is reused for a different call; 413 for a recording over TELEPHONY_AUDIO_MAX_BYTES.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, NinjaAPI, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.files import UploadedFile
from ninja.parser import Parser
from ninja.security import HttpBearer

from .audio import BadAudio, inspect
from .models import PbxToken
from .schemas import CallOut, ErrorOut, MissedCallIn, VoicemailIn
from .services import intake, tokens

# Room for the form fields and multipart boundaries around the recording.
MULTIPART_OVERHEAD = 256 * 1024
TOO_LARGE_FLAG = "_pbx_audio_too_large"


class PbxParser(Parser):
    """JSON bodies, and form-encoded ones too: Asterisk's CURL() posts `a=1&b=2` most easily."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if request.content_type == "application/x-www-form-urlencoded":
            return {key: request.POST.get(key) for key in request.POST}
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("the body must be a JSON object")
        return data


class SizeLimitHandler(FileUploadHandler):
    """Skips a file part as soon as it passes the limit (nothing of it is kept) and flags the
    request, so the missing `audio` is answered 413 rather than "field required"."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > self.limit:
            setattr(self.request, TOO_LARGE_FLAG, True)
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _limit_upload(request: HttpRequest) -> None:
    limit = settings.TELEPHONY_AUDIO_MAX_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit + MULTIPART_OVERHEAD:
        raise HttpError(413, _too_large_message())
    if request.content_type == "multipart/form-data":
        request.upload_handlers.insert(0, SizeLimitHandler(request, limit))


def _too_large_message() -> str:
    return _("The recording is larger than %(limit)d bytes.") % {"limit": settings.TELEPHONY_AUDIO_MAX_BYTES}


class PbxBearer(HttpBearer):
    """`Authorization: Bearer pbx_…`. Also the last step before the body is read, so the upload
    limit is put in place here, after the caller proved who it is."""

    def authenticate(self, request: HttpRequest, token: str) -> PbxToken | None:
        row = tokens.find_token(token.strip())
        if row is None:
            return None
        if row.revoked_at is not None:
            raise HttpError(403, _("This token was revoked. Create a new one for the PBX."))
        tokens.touch(row)
        _limit_upload(request)
        return row


api = NinjaAPI(
    title="Service desk PBX API",
    version="1",
    description=(
        "Missed calls and voicemail from the PBX (MikoPBX, Asterisk). Every request carries "
        "`Authorization: Bearer <token>`; create tokens in System settings → Telephony or with "
        "`python manage.py pbx_token create NAME`."
    ),
    urls_namespace="pbx_api",
    parser=PbxParser(),
    auth=PbxBearer(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)

ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 409: ErrorOut, 413: ErrorOut}


def _error(request: HttpRequest, status: int, detail: str, errors: list[dict[str, str]] | None = None) -> HttpResponse:
    response = api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="pbx"'
    return response


def _field(loc: tuple | list) -> str:
    names = [str(part) for part in loc if isinstance(part, str) and part not in {"body", "form", "file", "payload"}]
    return names[-1] if names else "body"


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if getattr(request, TOO_LARGE_FLAG, False):
        return _error(request, 413, _too_large_message(), [{"field": "audio", "message": _too_large_message()}])
    errors = [{"field": _field(e.get("loc", ())), "message": str(e.get("msg", ""))} for e in exc.errors]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return _error(request, 400, detail, errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, _("A valid bearer token is required (Authorization: Bearer <token>)."))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))


def _stored(call: Any, created: bool) -> Status:
    return Status(201 if created else 200, CallOut(id=call.pk, created=created))


def _report(data: MissedCallIn | VoicemailIn) -> intake.CallReport:
    return intake.CallReport(
        caller_id=data.caller_id,
        to=data.to,
        duration=data.duration,
        date=data.date,
        cause=data.cause,
        call_id=data.call_id,
    )


def _conflict(request: HttpRequest, error: intake.CallIdConflict) -> HttpResponse:
    message = _("This call_id was already used for a different call (id %(id)d).") % {"id": error.call.pk}
    return _error(request, 409, message, [{"field": "call_id", "message": message}])


@api.post(
    "/missed-calls",
    response={200: CallOut, 201: CallOut, **ERRORS},
    summary="Report a missed call",
    openapi_extra={
        "requestBody": {
            "content": {"application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/MissedCallIn"}}}
        }
    },
)
def missed_calls(request: HttpRequest, payload: MissedCallIn) -> Any:
    """Store a missed call: the employee whose extension or mobile number was called gets a mail
    (several calls within the window in one mail) and an in-app notification; a call nobody's
    number matches goes to the address for missed calls."""
    try:
        call, created = intake.record_missed_call(pbx=request.auth.pbx, report=_report(payload))  # type: ignore[attr-defined]
    except intake.CallIdConflict as error:
        return _conflict(request, error)
    return _stored(call, created)


@api.post("/voicemails", response={200: CallOut, 201: CallOut, **ERRORS}, summary="Report a voicemail")
def voicemails(
    request: HttpRequest,
    data: Form[VoicemailIn],
    audio: UploadedFile = File(..., description="The recording: WAV or MP3, checked by its content."),  # noqa: B008
) -> Any:
    """Store a voicemail with its recording (WAV or MP3, checked by content): it is mailed, the
    recording attached, to every employee who missed the call and to the voicemail address."""
    limit = settings.TELEPHONY_AUDIO_MAX_BYTES
    if audio.size > limit:
        return _error(request, 413, _too_large_message(), [{"field": "audio", "message": _too_large_message()}])
    if audio.file is None:
        return _error(request, 400, _("The recording is empty."), [{"field": "audio", "message": "empty"}])
    try:
        info = inspect(audio.file, audio.content_type or "")
    except BadAudio as error:
        message = _("The recording is not a WAV or MP3 file (%(reason)s).") % {"reason": error}
        return _error(request, 400, message, [{"field": "audio", "message": message}])
    recording = intake.Recording(audio.file, audio.name or "voicemail", info.content_type, info.seconds)
    try:
        call, created = intake.record_voicemail(pbx=request.auth.pbx, report=_report(data), recording=recording)  # type: ignore[attr-defined]
    except intake.CallIdConflict as error:
        return _conflict(request, error)
    return _stored(call, created)

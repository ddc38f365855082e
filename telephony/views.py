"""The calls page: an employee's missed calls and voicemail (technologists and administrators see
every call), the recordings served through a permission check, and "handled" marks."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from servicedesk import permissions
from servicedesk.models import Employee, User

from .models import CallKind, PbxCall
from .services.calls import may_use_calls, sees_all_calls, set_handled, visible_calls

PAGE_SIZE = 50
ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def calls_required(view: ViewFunc) -> ViewFunc:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_use_calls(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _get_call_for_user(request: HttpRequest, pk: int) -> PbxCall:
    """The call if this user may see it; 404 otherwise."""
    return get_object_or_404(visible_calls(request.user), pk=pk)


def _filtered(request: HttpRequest) -> tuple[QuerySet[PbxCall], dict[str, str]]:
    params = {
        "kind": request.GET.get("kind", ""),
        "state": request.GET.get("state", "open"),
        "q": request.GET.get("q", "").strip()[:100],
        "employee": request.GET.get("employee", ""),
    }
    calls = visible_calls(request.user)
    if params["kind"] in CallKind.values:
        calls = calls.filter(kind=params["kind"])
    if params["state"] == "open":
        calls = calls.filter(handled_at__isnull=True)
    elif params["state"] == "handled":
        calls = calls.filter(handled_at__isnull=False)
    if params["q"]:
        text = params["q"]
        calls = calls.filter(
            Q(caller_id__icontains=text)
            | Q(to__icontains=text)
            | Q(caller_digits__contains=re.sub(r"\D", "", text) or "\0")
        )
    if params["employee"].isdigit() and sees_all_calls(request.user):
        calls = calls.filter(employees=int(params["employee"]))
    return calls, params


@calls_required
def calls(request: HttpRequest) -> HttpResponse:
    found, params = _filtered(request)
    found = found.select_related("contact", "callback_ticket", "handled_by", "pbx").prefetch_related("employees")
    page = Paginator(found.order_by("-called_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    everyone = sees_all_calls(request.user)
    employees = Employee.objects.filter(pbx_calls__isnull=False).distinct().order_by("last_name") if everyone else []
    context = {
        "page": page,
        "params": params,
        "sees_all": everyone,
        "employees": employees,
        "is_operator": permissions.is_operator(request.user),
        "kinds": CallKind.choices,
    }
    template = (
        "telephony/_calls_results.html"
        if request.headers.get("HX-Target") == "calls-results"
        else "telephony/calls.html"
    )
    return render(request, template, context)


@calls_required
@require_POST
def mark_handled(request: HttpRequest, pk: int) -> HttpResponse:
    call = _get_call_for_user(request, pk)
    user = request.user
    assert isinstance(user, User)
    set_handled(call=call, user=user, handled=request.POST.get("handled", "1") == "1")
    if request.headers.get("HX-Request"):
        call = visible_calls(user).select_related("contact", "callback_ticket", "handled_by").get(pk=pk)
        return render(
            request,
            "telephony/_call_row.html",
            {"call": call, "sees_all": sees_all_calls(user), "is_operator": permissions.is_operator(user)},
        )
    return redirect(request.POST.get("next") or "telephony:calls")


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) of a single `bytes=` range within `size`, or None when it does not apply."""
    match = _RANGE.match(header.strip())
    if match is None or not (match.group(1) or match.group(2)):
        return None
    if match.group(1):
        first = int(match.group(1))
        last = min(int(match.group(2)), size - 1) if match.group(2) else size - 1
    else:
        first, last = max(size - int(match.group(2)), 0), size - 1
    return (first, last) if first <= last < size else None


@calls_required
def audio(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The recording, inline, with single byte ranges so the player can seek."""
    call = _get_call_for_user(request, pk)
    if not call.audio:
        raise Http404
    try:
        handle = call.audio.open("rb")
    except FileNotFoundError:
        raise Http404
    size = call.audio.size
    wanted = _byte_range(request.headers.get("Range", ""), size)
    headers = {
        "Accept-Ranges": "bytes",
        "Cache-Control": "private, max-age=3600",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "X-Content-Type-Options": "nosniff",
    }
    if wanted is None and request.headers.get("Range"):
        handle.close()
        return HttpResponse(status=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    if wanted is None:
        response: HttpResponseBase = FileResponse(
            handle, filename=call.audio_name, content_type=call.audio_type, headers=headers
        )
        return response
    first, last = wanted
    handle.seek(first)
    body = handle.read(last - first + 1)
    handle.close()
    return HttpResponse(
        body,
        status=206,
        content_type=call.audio_type,
        headers={**headers, "Content-Range": f"bytes {first}-{last}/{size}"},
    )

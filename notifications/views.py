"""The notification centre (list, read marks, muted channels) and the push stream."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.handlers.asgi import ASGIRequest
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from servicedesk.http import AuthenticatedRequest

from . import catalogue, channels, push, services
from .forms import DeliveryScheduleForm
from .models import DeliverySchedule, Notification

PAGE_SIZE = 50
FEED_SIZE = 20


ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "") or request.headers.get("X-Requested-With") == "fetch"


def _json_error(detail: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def _not_logged_in() -> JsonResponse:
    # 403, not 401: a cookie session has no WWW-Authenticate challenge to offer (DRF does the same).
    return _json_error(_("Log in to see your notifications."), 403)


def endpoint(*methods: str, api: bool = False) -> Callable[[ViewFunc], ViewFunc]:
    """Login and method checks for the centre's views. A fetch from the bell (or an `api` view,
    which only ever answers JSON) gets a JSON detail with the 4xx; a page visit gets the usual
    login redirect or 405, so a script never has to parse a login form."""

    def decorate(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            as_json = api or _wants_json(request)
            if request.method not in methods:
                response: HttpResponse = HttpResponseNotAllowed(methods)
                if as_json:
                    response = _json_error(
                        _("This address does not accept %(method)s.") % {"method": request.method}, 405
                    )
                    response["Allow"] = ", ".join(methods)
                return response
            if not request.user.is_authenticated:
                return _not_logged_in() if as_json else redirect_to_login(request.get_full_path())
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def _preference_rows(request: AuthenticatedRequest) -> list[dict[str, object]]:
    muted = services.muted_pairs(request.user)
    mandatory = services.mandatory_pairs()
    rows: list[dict[str, object]] = []
    for code, label in catalogue.group_choices():
        cells = [
            {
                "channel": channel,
                "label": channel_label,
                "name": f"{code}:{channel}",
                "on": (code, channel) not in muted or (code, channel) in mandatory,
                "mandatory": (code, channel) in mandatory,
            }
            for channel, channel_label in channels.personal_choices()
        ]
        rows.append({"code": code, "label": label, "cells": cells})
    return rows


@endpoint("GET", "HEAD")
def centre(request: AuthenticatedRequest) -> HttpResponse:
    return _render_centre(request)


def _render_centre(
    request: AuthenticatedRequest, schedule_form: DeliveryScheduleForm | None = None, status: int = 200
) -> HttpResponse:
    rows = Notification.objects.filter(user=request.user).select_related("ticket")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    if schedule_form is None:
        schedule_form = DeliveryScheduleForm(instance=DeliverySchedule.objects.filter(user=request.user).first())
    return render(
        request,
        "notifications/centre.html",
        {
            "page": page,
            "unread": services.unread_count(request.user),
            "preference_rows": _preference_rows(request),
            "channels": channels.personal_choices(),
            "schedule_form": schedule_form,
        },
        status=status,
    )


@endpoint("GET", "HEAD", api=True)
def feed(request: AuthenticatedRequest) -> JsonResponse:
    """The latest notifications and the unread count, for the bell's drop-down."""
    rows = Notification.objects.filter(user=request.user).order_by("-pk")[:FEED_SIZE]
    return JsonResponse(
        {
            "unread": services.unread_count(request.user),
            "items": [row.as_payload() for row in rows],
        }
    )


def _after_change(request: AuthenticatedRequest) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"unread": services.unread_count(request.user)})
    return redirect("notifications:centre")


@endpoint("POST")
def mark_read(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    # Somebody else's (or no) notification is "not found", whether or not the row exists.
    if not Notification.objects.filter(pk=pk, user=request.user).exists():
        if _wants_json(request):
            return _json_error(_("There is no such notification."), 404)
        raise Http404
    services.mark_read(user=request.user, ids=[pk])
    return _after_change(request)


@endpoint("POST")
def mark_all_read(request: AuthenticatedRequest) -> HttpResponse:
    services.mark_all_read(user=request.user)
    return _after_change(request)


@endpoint("GET", "HEAD")
def open_notification(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Mark read and go to the object the notification is about."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    services.mark_read(user=request.user, ids=[pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:centre")


@endpoint("POST")
def save_preferences(request: AuthenticatedRequest) -> HttpResponse:
    """Checked boxes are the channels that stay on; everything else offered is muted."""
    kept = set(request.POST.getlist("on"))
    muted = [
        (code, channel)
        for code, _label in catalogue.group_choices()
        for channel, _channel_label in channels.personal_choices()
        if f"{code}:{channel}" not in kept
    ]
    services.set_mutes(user=request.user, muted=muted)
    messages.success(request, _("Notification settings saved."))
    return redirect("notifications:centre")


@endpoint("POST")
def save_schedule(request: AuthenticatedRequest) -> HttpResponse:
    """Quiet hours and digest of the person looking."""
    instance = DeliverySchedule.objects.filter(user=request.user).first() or DeliverySchedule(user=request.user)
    form = DeliveryScheduleForm(request.POST, instance=instance)
    if not form.is_valid():
        # The page again with what was typed and each error under its field (a toast said it far
        # from the field and lost the values).
        return _render_centre(request, form, status=400)
    form.save()
    messages.success(request, _("Quiet hours and digest saved."))
    return redirect("notifications:centre")


def _last_event_id(request: HttpRequest) -> int:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after") or "0"
    try:
        return max(int(raw), 0)
    except ValueError:
        return 0


async def stream(request: HttpRequest) -> HttpResponseBase:
    """Server-Sent Events with the user's notifications after Last-Event-ID (or ?after=).

    Under ASGI the response streams for NOTIFY_STREAM_SECONDS; under WSGI (which would buffer an
    endless body) it answers with the rows so far and the browser reconnects in two seconds.
    """
    user = await request.auser()
    if not user.is_authenticated:
        return _not_logged_in()
    after = _last_event_id(request)
    if isinstance(request, ASGIRequest):
        response: HttpResponseBase = StreamingHttpResponse(
            push.event_stream(user.pk, after), content_type="text/event-stream"
        )
    else:
        from asgiref.sync import sync_to_async

        body = await sync_to_async(push.catch_up)(user.pk, after)
        response = HttpResponse(body, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"  # nginx: pass events through at once
    return response

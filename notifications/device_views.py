"""The installable app (manifest, service worker) and the per-browser Web Push subscription.

The service worker is served from here with `Service-Worker-Allowed: /`, so it controls the whole
site although it lives under /notifications/; it is rendered from a template to know the icons'
static URLs. Subscribing and unsubscribing are small JSON endpoints called by
static/notifications/webpush.js from the profile.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from servicedesk.http import AuthenticatedRequest

from . import webpush
from .models import PushSubscription
from .telegram import linking
from .views import endpoint

THEME_COLOUR = "#2F5BEA"


@require_GET
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: the operator interface installs as an app (phone home screen, desktop)."""
    data = {
        "name": _("Service desk"),
        "short_name": _("Service desk"),
        "description": _("Tickets, notifications and escalations of the service desk."),
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {"src": static("img/app-icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("img/app-icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {
                "src": static("img/app-icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    context = {"site_name": _("Service desk")}
    response = render(request, "notifications/sw.js", context, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


def _json_body(request: HttpRequest) -> dict[str, object]:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


@endpoint("POST", api=True)
def push_subscribe(request: AuthenticatedRequest) -> JsonResponse:
    data = _json_body(request)
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    assert isinstance(keys, dict)
    try:
        subscription = webpush.subscribe(
            user=request.user,
            endpoint=str(data.get("endpoint") or ""),
            p256dh=str(keys.get("p256dh") or ""),
            auth=str(keys.get("auth") or ""),
            device=request.headers.get("User-Agent", ""),
        )
    except ValidationError as error:
        return JsonResponse({"detail": " ".join(error.messages)}, status=400)
    return JsonResponse({"id": subscription.pk, "detail": _("Notifications are on for this browser.")}, status=201)


@endpoint("POST", api=True)
def push_unsubscribe(request: AuthenticatedRequest) -> JsonResponse:
    removed = webpush.unsubscribe(user=request.user, endpoint=str(_json_body(request).get("endpoint") or ""))
    return JsonResponse({"removed": removed, "detail": _("Notifications are off for this browser.")})


@endpoint("POST")
def push_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Remove one of the user's browsers from the profile's list (e.g. a lost phone)."""
    subscription = get_object_or_404(PushSubscription, pk=pk, user=request.user)
    webpush.unsubscribe(user=request.user, endpoint=subscription.endpoint)
    messages.success(request, _("The browser no longer receives notifications."))
    return redirect("profile")


@endpoint("POST")
def telegram_link(request: AuthenticatedRequest) -> HttpResponse:
    """A fresh one-time code; the profile then shows it with the bot's link."""
    if linking.active_bot() is None:
        messages.error(request, _("No Telegram bot is connected yet: ask the technologist."))
    else:
        linking.start_link(user=request.user)
    return redirect(reverse("profile") + "#telegram")


@endpoint("POST")
def telegram_unlink(request: AuthenticatedRequest) -> HttpResponse:
    linking.unlink(user=request.user)
    messages.success(request, _("Telegram is unlinked: notifications no longer go there."))
    return redirect(reverse("profile") + "#telegram")

"""Standard Web Push (RFC 8030/8291/8292): browsers' subscriptions and sending to push services.

The VAPID key pair is the installation's (`WEBPUSH_VAPID_PRIVATE_KEY`, generated once into VAR_DIR);
browsers subscribe with its public half, so it must not change. A message is encrypted for the
subscription's keys and POSTed to its push service with pywebpush; the service's answer decides
what happens to the row (see `push_error`): 404/410 mean the subscription is gone for good.
"""

from __future__ import annotations

import base64
import functools
import json
from typing import Any
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from servicedesk.models import User

from .channels import ChannelError
from .models import PushSubscription

PAYLOAD_TEXT_LIMIT = 1000  # push services accept about 4 KB of encrypted payload


@functools.cache
def _vapid(private_key: str) -> Vapid:
    return Vapid.from_string(private_key=private_key)


def vapid() -> Vapid:
    return _vapid(settings.WEBPUSH_VAPID_PRIVATE_KEY)


def public_key() -> str:
    """The applicationServerKey browsers subscribe with: the uncompressed P-256 point, base64url."""
    key: ec.EllipticCurvePublicKey = vapid().public_key
    raw = key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _check_endpoint(endpoint: str) -> None:
    parts = urlsplit(endpoint)
    allowed = ("https", "http") if settings.WEBPUSH_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        raise ValidationError(_("This is not the address of a push service."))


def _check_key(value: str, length: int) -> None:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except ValueError as error:
        raise ValidationError(_("The browser sent a damaged key.")) from error
    if len(raw) != length:
        raise ValidationError(_("The browser sent a damaged key."))


def subscribe(*, user: User, endpoint: str, p256dh: str, auth: str, device: str = "") -> PushSubscription:
    """Store (or move to `user`) one browser's subscription; the endpoint identifies the browser."""
    _check_endpoint(endpoint)
    _check_key(p256dh, 65)
    _check_key(auth, 16)
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth, "device": device[:200]}
    )
    return subscription


def unsubscribe(*, user: User, endpoint: str) -> int:
    """Forget this user's subscription of one browser; returns how many were removed."""
    deleted, _detail = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return deleted


def payload(*, title: str, body: str, url: str, tag: str) -> dict[str, Any]:
    """What the service worker shows (static/sw.js); the link is absolute for the installed app."""
    return {
        "title": title[:200],
        "body": body[:PAYLOAD_TEXT_LIMIT],
        "url": url if "://" in url else f"{settings.SITE_URL}{url or '/'}",
        "tag": tag,
    }


def push_error(error: WebPushException | requests.RequestException) -> ChannelError:
    """A push service's refusal or an unreachable service, as a channel error."""
    response = getattr(error, "response", None)
    if response is None:
        return ChannelError(f"push service unreachable: {error}")
    status = response.status_code
    message = f"push service answered {status}"
    if status in (404, 410):
        return ChannelError(message, gone=True)
    if status == 429:
        retry = (response.headers.get("Retry-After") or "").strip()
        return ChannelError(message, retry_after=float(retry) if retry.isdigit() else None)
    if status in (400, 401, 403, 413):  # malformed, our key refused, too big: retrying cannot help
        return ChannelError(message, permanent=True)
    return ChannelError(message)


def new_session() -> requests.Session:
    """One keep-alive session per batch. Redirects are refused: a push service never redirects,
    and following one would let a subscription point the server anywhere."""
    session = requests.Session()
    session.max_redirects = 0
    return session


def send(subscription: PushSubscription, message: dict[str, Any], session: requests.Session) -> None:
    """Encrypt and deliver one message; raises `ChannelError`."""
    try:
        _check_endpoint(subscription.endpoint)
    except ValidationError as error:
        raise ChannelError(str(error.message), permanent=True) from error
    try:
        webpush(
            subscription_info=subscription.as_info(),
            data=json.dumps(message, ensure_ascii=False),
            vapid_private_key=vapid(),
            vapid_claims={"sub": settings.WEBPUSH_VAPID_SUBJECT},
            ttl=settings.WEBPUSH_TTL_SECONDS,
            timeout=settings.WEBPUSH_TIMEOUT_SECONDS,
            requests_session=session,
        )
    except (WebPushException, requests.RequestException) as error:
        raise push_error(error) from error
    PushSubscription.objects.filter(pk=subscription.pk).update(last_success_at=timezone.now())

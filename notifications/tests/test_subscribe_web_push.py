"""Subscribing a browser from the profile, the manifest and the service worker that make the
interface installable."""

from __future__ import annotations

import json

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from notifications.models import PushSubscription
from notifications.tests.pushservice import BrowserKeys
from servicedesk.testing.cast import PASSWORD

ENDPOINT = "https://push.example.net/send/abc"


def _post(client, name: str, body: dict) -> object:
    return client.post(reverse(name), json.dumps(body), content_type="application/json")


def _subscription(endpoint: str = ENDPOINT) -> dict:
    keys = BrowserKeys()
    return {"endpoint": endpoint, "keys": {"p256dh": keys.p256dh, "auth": keys.auth}}


@pytest.mark.django_db
def test_subscribe_then_unsubscribe_this_browser(cast, client):
    client.login(username=cast.operator.user.username, password=PASSWORD)
    response = _post(client, "notifications:push_subscribe", _subscription())
    assert response.status_code == 201
    assert PushSubscription.objects.get(endpoint=ENDPOINT).user == cast.operator.user
    response = _post(client, "notifications:push_unsubscribe", {"endpoint": ENDPOINT})
    assert response.json()["removed"] == 1
    assert not PushSubscription.objects.exists()


@pytest.mark.django_db
def test_damaged_keys_and_foreign_addresses_are_refused(cast, client, settings):
    client.login(username=cast.operator.user.username, password=PASSWORD)
    damaged = _subscription()
    damaged["keys"]["p256dh"] = "AAAA"
    assert _post(client, "notifications:push_subscribe", damaged).status_code == 400
    settings.WEBPUSH_ALLOW_HTTP = False
    response = _post(client, "notifications:push_subscribe", _subscription("http://10.0.0.5/internal"))
    assert response.status_code == 400
    assert not PushSubscription.objects.exists()


@pytest.mark.django_db
def test_anonymous_cannot_subscribe(client):
    assert _post(client, "notifications:push_subscribe", _subscription()).status_code == 403


@pytest.mark.django_db
def test_profile_lists_browsers_and_removes_only_own(cast, client):
    keys = BrowserKeys()
    mine = PushSubscription.objects.create(
        user=cast.operator.user, endpoint=ENDPOINT, p256dh=keys.p256dh, auth=keys.auth, device="Firefox on Android"
    )
    theirs = PushSubscription.objects.create(
        user=cast.second_line.user, endpoint=ENDPOINT + "2", p256dh=keys.p256dh, auth=keys.auth
    )
    client.login(username=cast.operator.user.username, password=PASSWORD)
    page = client.get(reverse("profile")).content.decode()
    assert "Firefox on Android" in page and "data-webpush" in page
    assert client.post(reverse("notifications:push_remove", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:push_remove", args=[mine.pk])).status_code == 302
    assert list(PushSubscription.objects.all()) == [theirs]


@pytest.mark.django_db
def test_manifest_and_service_worker_make_the_site_installable(client, settings):
    manifest = client.get(reverse("notifications:manifest"))
    assert manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert (data["display"], data["start_url"], data["scope"]) == ("standalone", "/", "/")
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in data["icons"]}
    for icon in data["icons"]:
        assert finders.find(icon["src"].removeprefix(settings.STATIC_URL)), icon
    worker = client.get(reverse("notifications:service_worker"))
    assert worker["Service-Worker-Allowed"] == "/"
    assert worker["Content-Type"].startswith("text/javascript")
    assert b'addEventListener("push"' in worker.content

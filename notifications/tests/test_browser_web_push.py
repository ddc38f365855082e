"""Chromium: the operator switches Web Push on in the profile, an event reaches the local push
service encrypted for that browser, and the service worker shows it as a system notification.

Headless Chromium has no push service of its own (it would talk to Google's), so the one seam
replaced is `PushManager.subscribe`: it returns a subscription pointing at the local push service,
with keys this test holds. What the push service received is decrypted with those keys and handed
to the real service worker through the DevTools protocol (`ServiceWorker.deliverPushMessage`),
exactly as the browser does with a message from its push service.
"""

from __future__ import annotations

import json
import time

import pytest

from notifications import catalogue
from notifications.models import PushSubscription
from notifications.tests.factories import make_action, new_ticket, only_actions
from notifications.tests.pushservice import BrowserKeys
from servicedesk.testing.browser import assert_readable, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

FAKE_SUBSCRIPTION = """
(() => {
  const info = %s;
  let current = null;
  const make = () => ({
    endpoint: info.endpoint,
    toJSON: () => info,
    unsubscribe: () => { current = null; return Promise.resolve(true); },
  });
  PushManager.prototype.subscribe = function (options) {
    window.__subscribedWithKey = options.applicationServerKey.length;
    current = make();
    return Promise.resolve(current);
  };
  PushManager.prototype.getSubscription = function () { return Promise.resolve(current); };
})();
"""


def _registration_id(cdp, page, scope: str) -> str:
    found: dict[str, str] = {}

    def updated(event: dict) -> None:
        for registration in event["registrations"]:
            if registration["scopeURL"] == scope and not registration.get("isDeleted"):
                found["id"] = registration["registrationId"]

    cdp.on("ServiceWorker.workerRegistrationUpdated", updated)
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 5
    while "id" not in found and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    return found["id"]


def test_switch_on_receive_show_and_switch_off(cast, asgi_server_factory, browser_session, push_service):
    only_actions(
        make_action(
            catalogue.TICKET_REGISTERED_OPERATOR,
            "webpush",
            to_responsible=True,
            subject_en="New ticket TICKET_NUMBER",
            body_en="TICKET_SUBJECT",
            subject_ru="Новая заявка TICKET_NUMBER",
            body_ru="TICKET_SUBJECT",
        )
    )
    server = asgi_server_factory()
    keys = BrowserKeys()
    info = {"endpoint": push_service.endpoint("chromium"), "keys": {"p256dh": keys.p256dh, "auth": keys.auth}}
    page = browser_session(server.url, cast.second_line.user.username)
    page.context.grant_permissions(["notifications"], origin=server.url)
    page.context.add_init_script(FAKE_SUBSCRIPTION % json.dumps(info))
    page.goto("/profile/")

    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == f"{server.url}/"
    manifest = page.evaluate("fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())")
    assert manifest["display"] == "standalone"

    status = page.locator("[data-webpush-status]")
    page.get_by_role("button", name="Receive notifications in this browser").click()
    page.wait_for_function("document.querySelector('[data-webpush]').dataset.state === 'on'")
    assert "Notifications are on for this browser." in status.inner_text()
    assert_readable(status)
    assert page.get_by_role("button", name="Receive notifications in this browser").is_hidden()
    assert page.get_by_role("button", name="Stop notifications in this browser").is_visible()
    assert page.evaluate("window.__subscribedWithKey") == 65  # the VAPID public key, decoded
    assert PushSubscription.objects.get(user=cast.second_line.user).endpoint == info["endpoint"]
    shot(page, "webpush-profile-on")

    ticket = new_ticket(cast, subject="Printer on fire")
    (arrived,) = push_service.wait_for(1)
    message = keys.decrypt(arrived.body)
    cdp = page.context.new_cdp_session(page)
    registration = _registration_id(cdp, page, scope)
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": server.url, "registrationId": registration, "data": json.dumps(message)},
    )
    # Playwright's predicates are synchronous: the page polls the registration itself and leaves the
    # notifications it shows in a variable the predicate reads.
    page.evaluate(
        """() => { window.__shown = null;
          const poll = async () => {
            const list = await (await navigator.serviceWorker.ready).getNotifications();
            if (list.length) { window.__shown = list.map(n => ({title: n.title, body: n.body, tag: n.tag, url: n.data.url})); }
            else { setTimeout(poll, 50); }
          };
          poll(); }"""
    )
    shown = page.wait_for_function("window.__shown").json_value()
    assert shown == [
        {
            "title": f"Новая заявка {ticket.pk}",
            "body": "Printer on fire",
            "tag": f"ticket-{ticket.pk}",
            "url": f"http://127.0.0.1:8000/tickets/{ticket.pk}/",
        }
    ]

    page.get_by_role("button", name="Stop notifications in this browser").click()
    page.wait_for_function("document.querySelector('[data-webpush]').dataset.state === 'off'")
    assert "Notifications are off for this browser." in status.inner_text()
    assert not PushSubscription.objects.exists()

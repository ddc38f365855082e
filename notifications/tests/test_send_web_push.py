"""An event ends as an encrypted, VAPID-signed Web Push at a local push service: one per browser of
the recipient; the push service's answer decides the row's fate (gone, retried, sent)."""

from __future__ import annotations

import base64

import pytest
from django.conf import settings

from notifications import catalogue, webpush
from notifications.models import Delivery, Dispatch, PushSubscription
from notifications.tests.factories import make_action, new_ticket, only_actions
from notifications.tests.pushservice import BrowserKeys
from servicedesk import keys


def _subscribe(user, push_service, name: str) -> BrowserKeys:
    browser = BrowserKeys()
    webpush.subscribe(
        user=user, endpoint=push_service.endpoint(name), p256dh=browser.p256dh, auth=browser.auth, device=name
    )
    return browser


@pytest.fixture
def webpush_action():
    action = make_action(
        catalogue.TICKET_REGISTERED_OPERATOR,
        "webpush",
        to_responsible=True,
        subject_en="New ticket TICKET_NUMBER",
        body_en="TICKET_SUBJECT for RECIPIENT_NAME",
        subject_ru="Новая заявка TICKET_NUMBER",
        body_ru="TICKET_SUBJECT для RECIPIENT_NAME",
    )
    only_actions(action)
    return action


@pytest.mark.django_db
def test_each_browser_of_the_recipient_gets_the_push_decryptable_and_signed(
    cast, push_service, webpush_action, committed
):
    phone = _subscribe(cast.second_line.user, push_service, "phone")
    laptop = _subscribe(cast.second_line.user, push_service, "laptop")
    _subscribe(cast.operator.user, push_service, "operator")  # not a recipient
    with committed():
        ticket = new_ticket(cast, subject="Printer on fire")
    assert sorted(item.path for item in push_service.received) == ["/push/laptop", "/push/phone"]
    for browser, name in ((phone, "phone"), (laptop, "laptop")):
        (arrived,) = push_service.at(name)
        message = browser.decrypt(arrived.body)
        assert message["url"] == f"{settings.SITE_URL}/tickets/{ticket.pk}/"
        assert message["tag"] == f"ticket-{ticket.pk}"
        assert str(ticket.pk) in message["title"] and "Printer on fire" in message["body"]
        assert arrived.headers["content-encoding"] == "aes128gcm"
        assert arrived.headers["ttl"] == str(settings.WEBPUSH_TTL_SECONDS)
        assert f"k={webpush.public_key()}" in arrived.headers["authorization"]
    rows = Dispatch.objects.filter(channel="webpush")
    assert sorted(rows.values_list("status", flat=True)) == ["sent", "sent"]
    assert all(s.last_success_at for s in PushSubscription.objects.filter(user=cast.second_line.user))


@pytest.mark.django_db
@pytest.mark.parametrize("status", [404, 410])
def test_push_service_forgetting_the_subscription_drops_it(cast, push_service, webpush_action, committed, status):
    _subscribe(cast.second_line.user, push_service, "old")
    push_service.statuses["/push/old"] = status
    with committed():
        new_ticket(cast)
    row = Dispatch.objects.get(channel="webpush")
    assert (row.status, row.last_error) == ("dropped", f"push service answered {status}")
    assert not PushSubscription.objects.filter(user=cast.second_line.user).exists()


@pytest.mark.django_db
def test_push_service_trouble_is_retried_and_a_wait_it_asks_for_is_kept(cast, push_service, webpush_action, committed):
    _subscribe(cast.second_line.user, push_service, "busy")
    _subscribe(cast.second_line.user, push_service, "broken")
    push_service.statuses.update({"/push/busy": 429, "/push/broken": 503})
    push_service.extra_headers["/push/busy"] = {"Retry-After": "120"}
    with committed():
        new_ticket(cast)
    rows = {row.target: row for row in Dispatch.objects.filter(channel="webpush")}
    assert {(r.status, r.attempts) for r in rows.values()} == {("pending", 1)}
    busy = next(r for r in rows.values() if "429" in r.last_error)
    assert busy.next_attempt_at and (busy.next_attempt_at - busy.created_at).total_seconds() >= 119
    assert PushSubscription.objects.filter(user=cast.second_line.user).count() == 2


@pytest.mark.django_db
def test_recipient_without_a_browser_is_not_addressed_at_all(cast, push_service, webpush_action, committed):
    with committed():
        new_ticket(cast)
    assert push_service.received == []
    assert not Dispatch.objects.exists()
    assert not Delivery.objects.filter(channel="webpush").exists()


def test_vapid_key_is_generated_once_and_kept(tmp_path):
    first = keys.vapid_private_key(None, tmp_path)
    assert keys.vapid_private_key(None, tmp_path) == first
    assert len(base64.urlsafe_b64decode(first + "=")) == 32
    assert (tmp_path / keys.VAPID_KEY_FILE).stat().st_mode & 0o777 == 0o600
    assert keys.vapid_private_key("from-the-environment", tmp_path) == "from-the-environment"

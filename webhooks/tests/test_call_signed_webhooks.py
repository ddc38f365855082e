"""An event action with the channel "Webhook": one signed call per event, the payload from the
technologist's JSON template with every value JSON-escaped, verified by a test receiver."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection

from notifications import catalogue
from notifications.models import Channel, Delivery
from notifications.tests.factories import make_action, new_ticket, only_actions
from webhooks.models import Webhook, WebhookDelivery
from webhooks.services import deliver_due

from .conftest import SECRET

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)


def make_hook(url: str, **fields: object) -> Webhook:
    action = make_action(catalogue.TICKET_REGISTERED_OPERATOR, Channel.WEBHOOK)
    only_actions(action)
    hook = Webhook(name="CMDB", url=url, **fields)
    hook.secret = SECRET
    hook.save()
    hook.actions.set([action])
    return hook


def test_event_posts_a_signed_json_payload_with_escaped_values(cast, committed, receiver) -> None:
    hook = make_hook(receiver.url)
    subject = 'Принтер "HP" \\ сломан\n", "admin": true, "x": "'
    with committed():
        ticket = new_ticket(cast, subject=subject)

    [call] = receiver.calls
    assert call.signature_ok
    payload = call.json()
    assert payload["subject"] == ticket.subject and '"HP" \\' in ticket.subject and "admin" not in payload
    assert payload["ticket"] == str(ticket.pk) and payload["event"] == catalogue.TICKET_REGISTERED_OPERATOR
    assert call.headers["X-Servicedesk-Event"] == catalogue.TICKET_REGISTERED_OPERATOR
    row = WebhookDelivery.objects.get()
    assert (row.status, row.attempts, row.response_status) == ("sent", 1, 200)
    assert Delivery.objects.filter(channel=Channel.WEBHOOK, recipient=f"webhook:{hook.pk}").exists()


def test_a_wrong_secret_fails_the_receivers_check(cast, committed, receiver) -> None:
    receiver.secret = "another secret"
    make_hook(receiver.url)
    with committed():
        new_ticket(cast)
    assert [call.signature_ok for call in receiver.calls] == [False]


def test_secret_is_stored_encrypted(receiver) -> None:
    hook = make_hook(receiver.url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_encrypted FROM webhooks_webhook WHERE id = %s", [hook.pk])
        [stored] = cursor.fetchone()
    assert SECRET not in stored and Webhook.objects.get().secret == SECRET


def test_server_errors_are_retried_with_backoff_then_given_up(cast, committed, receiver, settings) -> None:
    settings.WEBHOOK_MAX_ATTEMPTS, settings.WEBHOOK_RETRY_BASE_SECONDS = 3, 60
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 100
    receiver.status = 503
    make_hook(receiver.url)
    with time_machine.travel(START, tick=False):
        with committed():
            new_ticket(cast)
    row = WebhookDelivery.objects.get()
    assert (row.status, row.attempts, row.next_attempt_at) == ("queued", 1, START + dt.timedelta(seconds=60))
    assert "HTTP 503" in row.last_error

    with time_machine.travel(START + dt.timedelta(seconds=59), tick=False):
        assert deliver_due() == 0
    with time_machine.travel(START + dt.timedelta(seconds=60), tick=False):
        assert deliver_due() == 1
    row.refresh_from_db()
    assert row.attempts == 2 and row.next_attempt_at == START + dt.timedelta(seconds=180)
    with time_machine.travel(START + dt.timedelta(seconds=180), tick=False):
        deliver_due()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 3) and len(receiver.calls) == 3


def test_client_error_is_not_retried(cast, committed, receiver) -> None:
    receiver.status = 400
    make_hook(receiver.url)
    with committed():
        new_ticket(cast)
    row = WebhookDelivery.objects.get()
    assert (row.status, row.attempts, row.response_status) == ("failed", 1, 400)


def test_repeated_failures_switch_the_webhook_off_and_alert_once(cast, committed, receiver, settings) -> None:
    from mailconf.models import OutboxMessage, OutgoingConnection

    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    out = OutgoingConnection.load()
    out.admin_email = "admin@corp.example"
    out.save()
    receiver.status = 500
    hook = make_hook(receiver.url)
    for _ in range(4):
        with committed():
            new_ticket(cast)

    hook.refresh_from_db()
    assert hook.enabled is False and "3 failures in a row" in hook.disabled_reason
    assert len(receiver.calls) == 3  # the fourth event found the webhook off
    alerts = OutboxMessage.objects.filter(kind="system", subject__contains="CMDB")
    assert alerts.count() == 1 and receiver.url in alerts.get().text

    receiver.status = 200
    from webhooks.services import switch_on

    switch_on(hook)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)):
        deliver_due()
    # The three waiting calls went out again; the fourth event came while it was off: never queued.
    assert len(receiver.calls) == 6
    assert list(WebhookDelivery.objects.values_list("status", flat=True)) == ["sent"] * 3


def test_redirect_to_another_host_is_refused(cast, committed, receiver, other_host) -> None:
    receiver.redirect_to = other_host.url.replace("127.0.0.1", "localhost")
    make_hook(receiver.url)
    with committed():
        new_ticket(cast)
    assert len(receiver.calls) == 1 and other_host.calls == []
    row = WebhookDelivery.objects.get()
    assert row.status == "failed" and "another host" in row.last_error


def test_redirect_within_the_host_is_followed(cast, committed, receiver) -> None:
    receiver.redirect_to = receiver.url.replace("/hook", "/moved")
    make_hook(receiver.url)
    with committed():
        new_ticket(cast)
    assert [call.path for call in receiver.calls] == ["/hook", "/moved"]
    assert receiver.calls[1].signature_ok and WebhookDelivery.objects.get().status == "sent"


def test_slow_receiver_times_out(cast, committed, receiver, settings) -> None:
    settings.WEBHOOK_TIMEOUT = 0.3
    receiver.delay = 1.0
    make_hook(receiver.url)
    with committed():
        new_ticket(cast)
    row = WebhookDelivery.objects.get()
    assert row.status == "queued" and "no answer within 0.3 s" in row.last_error


def test_send_test_uses_the_real_path_and_does_not_count_as_a_failure(receiver, settings) -> None:
    from webhooks.services import send_test

    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 1
    hook = make_hook(receiver.url)
    row = send_test(hook)
    [call] = receiver.calls
    assert call.signature_ok and call.json()["event"] == "webhook.test"
    assert (row.status, row.response_status) == ("sent", 200)

    receiver.status = 500
    assert send_test(hook).status == "failed"
    hook.refresh_from_db()
    assert hook.enabled and hook.consecutive_failures == 0


def test_technologist_sends_a_test_call_from_the_card(cast, client, receiver) -> None:
    hook = make_hook(receiver.url)
    client.force_login(cast.technologist)
    client.post("/admin/webhooks/webhook/", {"action": "send_test", "_selected_action": [hook.pk]}, follow=True)
    assert len(receiver.calls) == 1 and receiver.calls[0].signature_ok


def test_old_finished_calls_leave_the_log(receiver) -> None:
    from webhooks.services import prune

    hook = make_hook(receiver.url)
    old = START - dt.timedelta(days=31)
    WebhookDelivery.objects.create(webhook=hook, event="e", body="{}", status="sent", created_at=old)
    WebhookDelivery.objects.create(webhook=hook, event="e", body="{}", status="queued", created_at=old)
    WebhookDelivery.objects.create(webhook=hook, event="e", body="{}", status="sent", created_at=START)
    assert prune(START) == 1
    assert sorted(WebhookDelivery.objects.values_list("status", flat=True)) == ["queued", "sent"]

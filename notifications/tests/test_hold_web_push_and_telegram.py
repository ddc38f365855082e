"""Quiet hours and digests hold Web Push and Telegram like e-mail and in-app push: the fan-out keeps
the rendered message, `release_due` hands it back to its channel through the registry (one message
per recipient and channel, a digest when several waited); urgent actions go straight through."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from notifications import catalogue, channels, webpush
from notifications.models import Delivery, DeliverySchedule, Dispatch, HeldNotification
from notifications.quiet import release_due
from notifications.telegram import linking
from notifications.telegram.updates import poll_once
from notifications.tests.factories import make_action, new_ticket, only_actions
from notifications.tests.pushservice import BrowserKeys

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")
CHAT = 555002


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=MSK)


def _action(channel: str, **fields: object):
    action = make_action(
        catalogue.TICKET_REGISTERED_OPERATOR,
        channel,
        to_responsible=True,
        subject_en="New ticket TICKET_NUMBER",
        body_en="TICKET_SUBJECT",
        subject_ru="Новая заявка TICKET_NUMBER",
        body_ru="TICKET_SUBJECT",
        **fields,
    )
    only_actions(action)
    return action


def _quiet_nights(cast, **fields: object) -> DeliverySchedule:
    return DeliverySchedule.objects.create(
        user=cast.second_line.user, quiet_from=dt.time(22), quiet_to=dt.time(7), **fields
    )


def _link(user, bot_api) -> None:
    account = linking.start_link(user=user)
    bot_api.user_sends(CHAT, f"/start {account.code}")
    assert poll_once(timeout=0) == 1
    bot_api.calls.clear()


def test_web_push_waits_for_the_end_of_quiet_hours(cast, push_service, committed) -> None:
    browser = BrowserKeys()
    webpush.subscribe(
        user=cast.second_line.user,
        endpoint=push_service.endpoint("phone"),
        p256dh=browser.p256dh,
        auth=browser.auth,
        device="phone",
    )
    _action("webpush")
    _quiet_nights(cast)
    with time_machine.travel(at(4, 23, 30), tick=False), committed():
        ticket = new_ticket(cast, subject="Night call")
    assert push_service.received == [] and not Dispatch.objects.exists()
    held = HeldNotification.objects.get()
    assert (held.channel, held.reason, held.release_at) == ("webpush", "quiet", at(5, 7))
    assert Delivery.objects.get(channel="webpush").status == Delivery.Status.HELD

    assert release_due(now=at(5, 6, 59)) == 0
    with committed():
        assert release_due(now=at(5, 7)) == 1
    (arrived,) = push_service.at("phone")
    message = browser.decrypt(arrived.body)
    assert str(ticket.pk) in message["title"] and "Night call" in message["body"]
    assert message["tag"] == f"ticket-{ticket.pk}" and message["url"].endswith(f"/tickets/{ticket.pk}/")
    assert Dispatch.objects.get().status == "sent"


def test_telegram_digest_is_one_message_listing_what_waited(cast, bot_api, committed) -> None:
    _link(cast.second_line.user, bot_api)
    _action("telegram")
    _quiet_nights(cast)
    with time_machine.travel(at(4, 23, 30), tick=False), committed():
        first = new_ticket(cast, subject="Printer jammed")
        second = new_ticket(cast, subject="Scanner offline")
    assert bot_api.sent() == []
    assert HeldNotification.objects.filter(channel="telegram").count() == 2

    with committed():
        assert release_due(now=at(5, 7)) == 1
    (message,) = bot_api.sent()
    assert message["chat_id"] == CHAT
    assert message["text"].startswith("Сводка: 2 уведомления")
    assert f"Новая заявка {first.pk}" in message["text"] and f"Новая заявка {second.pk}" in message["text"]
    assert "reply_markup" not in message or not message["reply_markup"]["inline_keyboard"]  # a digest only links


def test_one_held_telegram_message_keeps_its_take_button(cast, bot_api, committed) -> None:
    _link(cast.second_line.user, bot_api)
    _action("telegram")
    _quiet_nights(cast)
    with time_machine.travel(at(4, 23, 30), tick=False), committed():
        ticket = new_ticket(cast, subject="Printer jammed")
    with committed():
        release_due(now=at(5, 7))
    (message,) = bot_api.sent()
    assert message["text"].startswith(f"Новая заявка {ticket.pk}\n\nPrinter jammed")
    keys = [key for row in message["reply_markup"]["inline_keyboard"] for key in row]
    assert [(key["text"], key.get("callback_data")) for key in keys] == [("Взять", f"take:{ticket.pk}")]


def test_urgent_telegram_action_goes_through_quiet_hours(cast, bot_api, committed) -> None:
    _link(cast.second_line.user, bot_api)
    _action("telegram", is_urgent=True)
    _quiet_nights(cast, digest=DeliverySchedule.Digest.DAILY)
    with time_machine.travel(at(4, 23, 30), tick=False), committed():
        new_ticket(cast, subject="Server room flooded")
    assert not HeldNotification.objects.exists()
    assert Dispatch.objects.get(channel="telegram").status == "sent"
    assert len(bot_api.sent()) == 1


def test_personal_channels_come_from_the_registry() -> None:
    personal = [code for code, _label in channels.personal_choices()]
    assert personal == ["email", "push", "webpush", "telegram"]
    assert "webhook" in channels.codes() and not channels.get("webhook").personal

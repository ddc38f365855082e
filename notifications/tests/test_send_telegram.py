"""The Telegram channel end to end against a local Bot API: connecting the bot, linking a chat
with a one-time code, messages with buttons, and Telegram's refusals as data."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications import catalogue
from notifications.dispatch import deliver_due
from notifications.models import Dispatch, TelegramAccount, TelegramBot
from notifications.telegram import linking
from notifications.telegram.updates import poll_once
from notifications.tests.factories import make_action, new_ticket, only_actions

CHAT = 555001


def _link(user, bot_api, chat: int = CHAT) -> TelegramAccount:
    account = linking.start_link(user=user)
    bot_api.user_sends(chat, f"/start {account.code}")
    assert poll_once(timeout=0) == 1
    account.refresh_from_db()
    return account


@pytest.fixture
def telegram_action():
    action = make_action(
        catalogue.TICKET_REGISTERED_OPERATOR,
        "telegram",
        to_responsible=True,
        subject_en="New ticket TICKET_NUMBER",
        body_en="TICKET_SUBJECT",
        subject_ru="Новая заявка TICKET_NUMBER",
        body_ru="TICKET_SUBJECT",
    )
    only_actions(action)
    return action


@pytest.mark.django_db
def test_bot_token_is_checked_and_kept_encrypted(bot_api):
    bot = TelegramBot.load()
    assert (bot.username, bot.enabled, bot.token) == ("desk_test_bot", True, bot_api.token)
    assert bot_api.token not in bot.token_encrypted
    with pytest.raises(ValidationError, match="does not accept"):
        linking.connect_bot(token="654321:wrong")
    assert TelegramBot.load().token == bot_api.token


@pytest.mark.django_db
def test_chat_is_linked_with_the_one_time_code_once(cast, bot_api):
    account = _link(cast.second_line.user, bot_api)
    assert (account.chat_id, account.code, account.telegram_username) == (CHAT, None, "anna")
    assert cast.second_line.full_name in bot_api.sent()[-1]["text"]
    assert bot_api.sent()[-1]["chat_id"] == CHAT
    # The code is spent: another chat sending it gets the instructions, not the link.
    bot_api.user_sends(999, "/start " + "X" * 8)
    poll_once(timeout=0)
    assert TelegramAccount.objects.get(chat_id=CHAT).user == cast.second_line.user
    assert not TelegramAccount.objects.filter(chat_id=999).exists()


@pytest.mark.django_db
def test_expired_code_links_nothing(cast, bot_api):
    account = linking.start_link(user=cast.operator.user)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        bot_api.user_sends(CHAT, account.code)
        poll_once(timeout=0)
    account.refresh_from_db()
    assert account.chat_id is None


@pytest.mark.django_db
def test_event_reaches_the_linked_chat_with_buttons(cast, bot_api, telegram_action, committed):
    _link(cast.second_line.user, bot_api)
    bot_api.calls.clear()
    with committed():
        ticket = new_ticket(cast, subject="Printer on fire")
    (message,) = bot_api.sent()
    assert message["chat_id"] == CHAT
    assert message["text"].startswith(f"Новая заявка {ticket.pk}\n\nPrinter on fire")
    # SITE_URL is a loopback address Telegram would refuse as a button: the link is in the text.
    assert f"/tickets/{ticket.pk}/" in message["text"]
    keys = [key for row in message["reply_markup"]["inline_keyboard"] for key in row]
    assert [(key["text"], key.get("callback_data")) for key in keys] == [("Взять", f"take:{ticket.pk}")]
    assert Dispatch.objects.get(channel="telegram").status == "sent"


@pytest.mark.django_db
def test_blocked_bot_drops_the_message_and_unlinks(cast, bot_api, telegram_action, committed):
    _link(cast.second_line.user, bot_api)
    bot_api.blocked.add(CHAT)
    with committed():
        new_ticket(cast)
    row = Dispatch.objects.get(channel="telegram")
    assert row.status == "dropped" and "blocked" in row.last_error
    assert TelegramAccount.objects.get(user=cast.second_line.user).chat_id is None


@pytest.mark.django_db
def test_flood_control_waits_as_told_without_spending_attempts(cast, bot_api, telegram_action, committed):
    _link(cast.second_line.user, bot_api)
    bot_api.flood[CHAT] = 5
    with committed():
        new_ticket(cast)
    row = Dispatch.objects.get(channel="telegram")
    assert (row.status, row.attempts) == ("pending", 0)
    assert row.next_attempt_at is not None
    assert timedelta(seconds=4) < row.next_attempt_at - timezone.now() <= timedelta(seconds=5)
    with time_machine.travel(row.next_attempt_at + timedelta(seconds=1)):
        assert deliver_due() == 1
    row.refresh_from_db()
    assert row.status == "sent"


@pytest.mark.django_db
def test_messages_wait_while_no_bot_is_connected(cast, bot_api, telegram_action, committed):
    _link(cast.second_line.user, bot_api)
    TelegramBot.objects.update(enabled=False)
    bot_api.calls.clear()
    with committed():
        new_ticket(cast)
    row = Dispatch.objects.get(channel="telegram")
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "no Telegram bot is connected")
    assert bot_api.sent() == []

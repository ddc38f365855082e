"""Linking Telegram from the profile, and the technologist connecting the bot in the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.models import TelegramAccount, TelegramBot
from notifications.telegram.updates import poll_once
from notifications.tests.botapi import TOKEN
from servicedesk.testing.cast import PASSWORD

CHAT = 990001


@pytest.mark.django_db
def test_link_and_unlink_from_the_profile(cast, client, bot_api):
    client.login(username=cast.operator.user.username, password=PASSWORD)
    page = client.get(reverse("profile")).content.decode()
    assert 'data-telegram-state="unlinked"' in page
    response = client.post(reverse("notifications:telegram_link"))
    assert response.status_code == 302
    code = TelegramAccount.objects.get(user=cast.operator.user).code
    page = client.get(reverse("profile")).content.decode()
    assert code in page and f"https://t.me/desk_test_bot?start={code}" in page
    bot_api.user_sends(CHAT, f"/start {code}", username="ivanova")
    poll_once(timeout=0)
    page = client.get(reverse("profile")).content.decode()
    assert 'data-telegram-state="linked"' in page and "ivanova" in page
    client.post(reverse("notifications:telegram_unlink"))
    assert TelegramAccount.objects.get(user=cast.operator.user).chat_id is None


@pytest.mark.django_db
def test_no_code_without_a_connected_bot(cast, client):
    client.login(username=cast.operator.user.username, password=PASSWORD)
    client.post(reverse("notifications:telegram_link"))
    assert not TelegramAccount.objects.exists()


@pytest.mark.django_db
def test_technologist_connects_the_bot_with_a_write_only_token(cast, client, bot_api):
    TelegramBot.objects.all().delete()
    client.login(username=cast.technologist.username, password=PASSWORD)
    url = reverse("admin:notifications_telegrambot_change", args=[TelegramBot.load().pk])
    refused = client.post(url, {"enabled": "on", "token": "999:wrong"})
    assert refused.status_code == 200 and "Telegram does not accept this token" in refused.content.decode()
    assert TelegramBot.load().token == ""
    assert client.post(url, {"enabled": "on", "token": TOKEN}).status_code == 302
    bot = TelegramBot.load()
    assert (bot.enabled, bot.username, bot.token) == (True, "desk_test_bot", TOKEN)
    assert TOKEN not in client.get(url).content.decode()


@pytest.mark.django_db
def test_the_bot_token_never_reaches_the_log(cast, bot_api, caplog):
    import logging
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)  # the installation's levels, as in production
    root = logging.getLogger()
    root.addHandler(caplog.handler)  # dictConfig replaced the root's handlers
    try:
        bot_api.user_sends(CHAT, "hello")
        poll_once(timeout=0)
    finally:
        root.removeHandler(caplog.handler)
    assert bot_api.sent(), "the bot answered"
    assert TOKEN not in caplog.text

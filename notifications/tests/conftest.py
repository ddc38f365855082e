"""Fixtures of the notification tests: the outgoing mail connection pointed at the test SMTP server."""

from __future__ import annotations

import pytest

from mailconf.models import Encryption, OutgoingConnection

SIGNATURE = "ООО Сервис — служба поддержки\n+7 495 000-00-00"


@pytest.fixture
def outgoing(smtp) -> OutgoingConnection:
    """Outgoing mail through the plain test SMTP server, with a company signature."""
    conn = OutgoingConnection.load()
    conn.protocol = "smtp"
    conn.host = smtp.plain.host
    conn.port = smtp.plain.port
    conn.encryption = Encryption.NONE
    conn.auth = False
    conn.from_address = "desk@corp.example"
    conn.reply_to = "support@corp.example"
    conn.sender_name = "Service desk"
    conn.signature = SIGNATURE
    conn.notifications_enabled = True
    conn.notify_unregistered = True
    conn.save()
    return conn


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run on-commit work (domain events, fan-out, mail scheduling) as if each block committed."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def session_cookie(client, username: str) -> str:
    """A fresh session of `username` (the given client is left alone; logging it out would end
    sessions handed out earlier)."""
    from django.test import Client

    from servicedesk.testing.cast import PASSWORD

    fresh = Client()
    assert fresh.login(username=username, password=PASSWORD)
    return fresh.cookies["sessionid"].value


@pytest.fixture
def push_service():
    """A local push service (HTTP level) for the Web Push tests."""
    from notifications.tests.pushservice import PushService

    service = PushService().start()
    yield service
    service.stop()


@pytest.fixture
def bot_api(settings):
    """A local Telegram Bot API, with the installation's bot connected to it."""
    from notifications.telegram.linking import connect_bot
    from notifications.tests.botapi import TOKEN, BotApi

    api = BotApi().start()
    settings.TELEGRAM_API_URL = api.url
    settings.TELEGRAM_MESSAGES_PER_SECOND = 1000.0
    connect_bot(token=TOKEN)
    api.calls.clear()
    yield api
    api.stop()

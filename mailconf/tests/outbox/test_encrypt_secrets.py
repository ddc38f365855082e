"""Secrets are stored only encrypted, with MultiFernet key rotation and a SECRET_KEY fallback."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from mailconf import crypto
from mailconf.models import OutgoingConnection

pytestmark = pytest.mark.django_db


def test_round_trip_and_empty_value(settings) -> None:
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    token = crypto.encrypt("s3cret-Пароль")
    assert token != "s3cret-Пароль" and "s3cret" not in token
    assert crypto.decrypt(token) == "s3cret-Пароль"
    assert crypto.encrypt("") == "" and crypto.decrypt("") == ""


def test_without_keys_a_stable_key_is_derived_from_secret_key(settings) -> None:
    settings.FIELD_ENCRYPTION_KEYS = []
    settings.SECRET_KEY = "one-secret-key"
    token = crypto.encrypt("pw")
    assert crypto.decrypt(token) == "pw"
    settings.SECRET_KEY = "another-secret-key"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)


def test_rotation_old_key_still_decrypts_and_reencrypt_moves_to_new(settings) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    token = crypto.encrypt("pw")
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    assert crypto.decrypt(token) == "pw"
    rotated = crypto.reencrypt(token)
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert crypto.decrypt(rotated) == "pw"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)


def test_the_database_holds_no_plain_secret() -> None:
    conn = OutgoingConnection.load()
    conn.password = "db-Visible-Password-1"
    conn.client_secret = "db-Visible-Secret-2"
    conn.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM mailconf_outgoingconnection")
        row = " ".join(str(v) for v in cursor.fetchone())
    assert "db-Visible-Password-1" not in row and "db-Visible-Secret-2" not in row
    fresh = OutgoingConnection.load()
    assert fresh.password == "db-Visible-Password-1" and fresh.client_secret == "db-Visible-Secret-2"


def test_rotate_keys_command_reencrypts_stored_secrets(settings) -> None:
    from django.core.management import call_command

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    conn = OutgoingConnection.load()
    conn.password = "rotate-me"
    conn.save()
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    call_command("mailconf_rotate_keys", stdout=io.StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert OutgoingConnection.load().password == "rotate-me"


def test_rotate_keys_command_reencrypts_the_other_apps_secrets_too(settings) -> None:
    """The personal mailboxes, directories, Telegram bot and webhooks encrypt with the same keys: a
    rotation that skipped them would leave them unreadable once the old key is removed."""
    from django.core.management import call_command

    from mailconf.management.commands.mailconf_rotate_keys import encrypted_fields
    from notifications.models import TelegramBot
    from webhooks.models import Webhook

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    bot = TelegramBot.load()
    bot.set_token("123:bot-token")
    bot.save()
    hook = Webhook(name="crm", url="https://crm.example/hook")
    hook.secret = "hook-secret"
    hook.save()
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    call_command("mailconf_rotate_keys", stdout=io.StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert TelegramBot.load().token == "123:bot-token"
    assert Webhook.objects.get(pk=hook.pk).secret == "hook-secret"
    covered = {model._meta.label for model, _names in encrypted_fields()}
    assert {
        "mailconf.IncomingConnection",
        "mailconf.OutgoingConnection",
        "personalmail.PersonalMailbox",
        "personalmail.OAuthApp",
        "servicedesk.LdapConnection",
        "notifications.TelegramBot",
        "webhooks.Webhook",
    } <= covered

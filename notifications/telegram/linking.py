"""Connecting the bot and linking employees' chats to their logins.

A person asks for a code in the profile; it is valid for TELEGRAM_LINK_CODE_MINUTES and used once.
They send it to the bot (the deep link `t.me/<bot>?start=<code>` does that in one tap); the update
carries the chat id, which is all the channel needs. A chat belongs to one login at a time.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.models import User

from ..channels import ChannelError
from ..models import TelegramAccount, TelegramBot
from .client import BotClient

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: people may type it


def connect_bot(*, token: str, enabled: bool = True) -> TelegramBot:
    """Check the token with the Bot API and store it encrypted; raises ValidationError if refused."""
    bot = TelegramBot.load()
    token = token.strip() or bot.token
    if not token:
        raise ValidationError(_("Enter the token BotFather gave you."))
    try:
        me = BotClient(token).get_me()
    except ChannelError as error:
        raise ValidationError(_("Telegram does not accept this token: %(error)s") % {"error": error}) from error
    bot.set_token(token)
    bot.username, bot.enabled, bot.checked_at, bot.last_error = me.get("username") or "", enabled, timezone.now(), ""
    bot.save()
    return bot


def active_bot() -> TelegramBot | None:
    bot = TelegramBot.objects.filter(pk=TelegramBot.SINGLETON_PK, enabled=True).exclude(token_encrypted="").first()
    return bot


def start_link(*, user: User) -> TelegramAccount:
    """A fresh one-time code for `user` (any earlier one stops working)."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    expires = timezone.now() + timedelta(minutes=settings.TELEGRAM_LINK_CODE_MINUTES)
    account, _created = TelegramAccount.objects.update_or_create(
        user=user, defaults={"code": code, "code_expires_at": expires}
    )
    return account


def deep_link(bot: TelegramBot, code: str) -> str:
    return f"https://t.me/{bot.username}?start={code}" if bot.username else ""


def unlink(*, user: User) -> None:
    TelegramAccount.objects.filter(user=user).update(chat_id=None, linked_at=None, code=None, telegram_username="")


def link_chat(*, code: str, chat_id: int, username: str = "") -> TelegramAccount | None:
    """Bind the chat to the login whose valid code this is; None if no such code."""
    code = code.strip().upper()
    if not code:
        return None
    with transaction.atomic():
        account = (
            TelegramAccount.objects.select_for_update()
            .filter(code=code, code_expires_at__gt=timezone.now())
            .select_related("user")
            .first()
        )
        if account is None:
            return None
        TelegramAccount.objects.filter(chat_id=chat_id).exclude(pk=account.pk).update(chat_id=None, linked_at=None)
        account.chat_id, account.telegram_username = chat_id, username[:64]
        account.code, account.code_expires_at, account.linked_at = None, None, timezone.now()
        account.save()
    return account


def user_of_chat(chat_id: int) -> User | None:
    account = TelegramAccount.objects.filter(chat_id=chat_id, user__is_active=True).select_related("user").first()
    return account.user if account else None


def forget_chat(chat_id: int) -> None:
    """The chat blocked the bot or is gone: the link is of no use any more."""
    TelegramAccount.objects.filter(chat_id=chat_id).update(chat_id=None, linked_at=None)

"""What the bot receives: link codes and button presses, by long polling (`manage.py telegram_bot`).

The offset is saved after each batch, so an update is handled once even if the poller restarts;
a failure in one update is logged and the others go on.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from servicedesk.models import User

from ..channels import ChannelError
from ..models import TelegramBot
from . import buttons, linking
from .client import BotClient

log = logging.getLogger(__name__)


def _language(user: User | None) -> str:
    employee = getattr(user, "employee", None) if user is not None else None
    chosen = (getattr(employee, "language", "") or getattr(user, "language", "")) if user is not None else ""
    return chosen or settings.LANGUAGE_CODE


def _name(user: User) -> str:
    employee = getattr(user, "employee", None)
    return (employee.full_name if employee is not None else "") or user.get_full_name() or user.get_username()


def _on_message(client: BotClient, message: Mapping[str, Any]) -> None:
    chat = message.get("chat") or {}
    chat_id = int(chat.get("id") or 0)
    if not chat_id or chat.get("type") != "private":
        return  # the bot serves people one to one; groups get no answer
    text = str(message.get("text") or "").strip()
    command, _space, argument = text.partition(" ")
    if command == "/stop":
        user = linking.user_of_chat(chat_id)
        linking.forget_chat(chat_id)
        with translation.override(_language(user)):
            client.reply(chat_id, _("Notifications will no longer come here."))
        return
    code = argument if command == "/start" else text
    account = linking.link_chat(
        code=code, chat_id=chat_id, username=str((message.get("from") or {}).get("username") or "")
    )
    user = account.user if account else linking.user_of_chat(chat_id)
    with translation.override(_language(user)):
        if account is not None:
            name = _name(user) if user is not None else ""
            client.reply(chat_id, _("Linked to %(name)s. Notifications will come here.") % {"name": name})
        elif user is not None:
            client.reply(chat_id, _("This chat is linked to %(name)s.") % {"name": _name(user)})
        else:
            client.reply(chat_id, _("Send the code shown in your profile in the service desk (Profile → Telegram)."))


def _on_button(client: BotClient, query: Mapping[str, Any]) -> None:
    chat_id = int((query.get("from") or {}).get("id") or 0)
    user = linking.user_of_chat(chat_id)
    with translation.override(_language(user)):
        if user is None:
            answer = _("This Telegram account is not linked to the service desk.")
        else:
            answer = buttons.press(user, str(query.get("data") or ""))
    client.reply(chat_id, answer, callback_query_id=str(query.get("id") or ""))


def handle_update(client: BotClient, update: Mapping[str, Any]) -> None:
    if update.get("callback_query"):
        _on_button(client, update["callback_query"])
    elif update.get("message"):
        _on_message(client, update["message"])


def poll_once(timeout: int | None = None) -> int:
    """One long poll; returns how many updates were handled (0 without an enabled bot)."""
    bot = linking.active_bot()
    if bot is None:
        return 0
    client = BotClient(bot.token)
    try:
        updates = client.get_updates(bot.update_offset, settings.TELEGRAM_POLL_SECONDS if timeout is None else timeout)
    except ChannelError as error:
        TelegramBot.objects.filter(pk=bot.pk).update(last_error=str(error)[:2000], checked_at=timezone.now())
        raise
    for update in updates:
        try:
            handle_update(client, update)
        except Exception:  # one bad update must not block the rest: it is skipped, logged
            log.exception("Telegram update %s could not be handled", update.get("update_id"))
    if updates:
        offset = max(int(update["update_id"]) for update in updates) + 1
        TelegramBot.objects.filter(pk=bot.pk).update(update_offset=offset, last_error="")
    return len(updates)

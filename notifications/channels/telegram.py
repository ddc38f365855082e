"""Telegram: a message with buttons to each recipient's linked chat, sent by the bot a technologist
connected. Messages wait (and are retried) while no bot is connected; Telegram's flood control is
honoured and sending is paced to TELEGRAM_MESSAGES_PER_SECOND."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ..models import Dispatch, EventAction, TelegramAccount
from ..recipients import Recipient
from .base import ChannelError, DispatchChannel, Outgoing, Released, register

if TYPE_CHECKING:
    from ..telegram.client import Button


def _text(item: Outgoing) -> str:
    parts = [item.rendered.subject.strip(), item.rendered.text.strip()]
    return "\n\n".join(part for part in parts if part)


def _chats(user_ids: set[int]) -> dict[int, int]:
    """user id -> linked chat id."""
    linked = TelegramAccount.objects.filter(user_id__in=user_ids, chat_id__isnull=False)
    return {user_id: chat_id for user_id, chat_id in linked.values_list("user_id", "chat_id") if chat_id is not None}


@register
class TelegramChannel(DispatchChannel):
    code = "telegram"
    label = _("Telegram")
    position = 40

    def expand(self, action: EventAction, recipients: Sequence[Recipient]) -> list[Recipient]:
        """Only people with a linked chat: the rest get no journal entry at all."""
        ids = {r.user_id for r in recipients if r.user_id is not None}
        linked = set(
            TelegramAccount.objects.filter(user_id__in=ids, chat_id__isnull=False).values_list("user_id", flat=True)
        )
        return [r for r in recipients if r.user_id in linked]

    def endpoints(self, items: list[Outgoing]) -> list[tuple[Outgoing, str, dict[str, Any]]]:
        from ..telegram import buttons

        chats = _chats({item.recipient.user_id for item in items if item.recipient.user_id is not None})
        found = []
        labelled: dict[str, list[Button]] = {}  # the buttons differ only by language
        for item in items:
            chat_id = chats.get(item.recipient.user_id or 0)
            if chat_id is None:
                continue
            url = buttons.site_url(item.path) if item.path else ""
            if item.recipient.language not in labelled:
                with translation.override(item.recipient.language):
                    labelled[item.recipient.language] = buttons.for_message(item.occurrence, item.ticket_id, url)
            keys = labelled[item.recipient.language]
            text = _text(item)
            if url and not any(key.url for key in keys):
                text = f"{text}\n\n{url}"
            payload = {"text": text, "buttons": [[key.text, key.data, key.url] for key in keys]}
            found.append((item, f"chat:{chat_id}", payload))
        return found

    def released_endpoints(self, messages: list[Released]) -> list[tuple[str, dict[str, Any]]]:
        from ..telegram import buttons

        chats = _chats({m.user_id for m in messages if m.user_id is not None})
        found = []
        for message in messages:
            chat_id = chats.get(message.user_id or 0)
            if chat_id is None:  # unlinked while the message waited
                continue
            url = buttons.site_url(message.url) if message.url else ""
            with translation.override(message.language):
                keys = buttons.for_released(message.event, message.ticket_id, url)
            text = "\n\n".join(part for part in (message.subject.strip(), message.text.strip()) if part)
            if url and not any(key.url for key in keys):
                text = f"{text}\n\n{url}"
            payload = {"text": text, "buttons": [[key.text, key.data, key.url] for key in keys]}
            found.append((f"chat:{chat_id}", payload))
        return found

    def send_many(self, rows: Sequence[Dispatch]) -> list[ChannelError | None]:
        from ..telegram import linking
        from ..telegram.client import BotClient, Button, Message

        bot = linking.active_bot()
        if bot is None:
            return [ChannelError("no Telegram bot is connected")] * len(rows)
        messages = [
            Message(
                chat_id=int(row.target.partition(":")[2]),
                text=str(row.payload.get("text") or ""),
                buttons=[Button(text, data, url) for text, data, url in row.payload.get("buttons") or []],
            )
            for row in rows
        ]
        return BotClient(bot.token).send(messages, settings.TELEGRAM_MESSAGES_PER_SECOND)

    def forget(self, dispatch: Dispatch) -> None:
        from ..telegram import linking

        linking.forget_chat(int(dispatch.target.partition(":")[2]))

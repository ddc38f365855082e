"""A synchronous face on python-telegram-bot for the worker, the poller and the admin's check.

python-telegram-bot is asynchronous; each call here runs one short event loop (`asyncio.run`), so
callers stay ordinary synchronous Django code and no ORM call ever happens inside a coroutine.
The Bot API server is `TELEGRAM_API_URL` (Telegram's, a self-hosted one, or the tests' fake).
Errors become `ChannelError`s: flood control (429) carries the wait Telegram asks for, a chat that
blocked the bot or no longer exists is gone, a refused message is permanent, the rest temporary.

python-telegram-bot (about 0.1 s to import) is imported by the functions that call it, not here:
`Button` and `Message` are imported at every start-up (`django.setup()`), workers included.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings

from ..channels import ChannelError

if TYPE_CHECKING:
    from telegram import Bot, InlineKeyboardMarkup
    from telegram.error import RetryAfter, TelegramError

TEXT_LIMIT = 4096  # Telegram refuses longer messages
# python-telegram-bot 22 announces, on every flood-control error it builds, that `retry_after` will
# become a timedelta; `_wait` reads either type, so the notice says nothing to act on. The category
# is PTBDeprecationWarning's base class, so the filter is in place without importing telegram.
warnings.filterwarnings("ignore", message=".*`retry_after` will be of type", category=DeprecationWarning)


@dataclass(frozen=True)
class Button:
    """An inline button: `data` is sent back when pressed (at most 64 bytes); `url` opens a page."""

    text: str
    data: str = ""
    url: str = ""


@dataclass(frozen=True)
class Message:
    chat_id: int
    text: str
    buttons: Sequence[Button] = field(default_factory=tuple)


def _markup(buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    if not buttons:
        return None
    keys = [
        InlineKeyboardButton(b.text, url=b.url) if b.url else InlineKeyboardButton(b.text, callback_data=b.data)
        for b in buttons
    ]
    return InlineKeyboardMarkup([keys[i : i + 2] for i in range(0, len(keys), 2)])


def _wait(error: RetryAfter) -> float:
    value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def channel_error(error: TelegramError) -> ChannelError:
    from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, RetryAfter

    if isinstance(error, RetryAfter):
        return ChannelError(f"Telegram flood control: {error}", retry_after=_wait(error), counts=False)
    if isinstance(error, Forbidden | ChatMigrated):
        return ChannelError(f"Telegram: {error}", gone=True)
    if isinstance(error, BadRequest) and "chat not found" in str(error).lower():
        return ChannelError(f"Telegram: {error}", gone=True)
    if isinstance(error, BadRequest):
        return ChannelError(f"Telegram refused the message: {error}", permanent=True)
    if isinstance(error, InvalidToken):
        return ChannelError(f"Telegram does not accept the bot's token: {error}")
    return ChannelError(f"Telegram: {error}")


class BotClient:
    def __init__(self, token: str) -> None:
        self.token = token

    def _bot(self) -> Bot:
        from telegram import Bot

        base = settings.TELEGRAM_API_URL
        return Bot(self.token, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot")

    def get_me(self) -> dict[str, Any]:
        """The bot's own account; raises `ChannelError` when the token is refused."""
        from telegram.error import TelegramError

        async def run() -> dict[str, Any]:
            async with self._bot() as bot:
                return bot.bot.to_dict()

        try:
            return asyncio.run(run())
        except TelegramError as error:
            raise channel_error(error) from error

    def send(self, messages: Sequence[Message], per_second: float) -> list[ChannelError | None]:
        """Send in order, at most `per_second` messages a second; one result per message. After
        flood control the rest of the batch waits as long as Telegram asked, untried."""
        from telegram.error import RetryAfter, TelegramError

        async def run() -> list[ChannelError | None]:
            results: list[ChannelError | None] = []
            interval = 1.0 / per_second if per_second > 0 else 0.0
            loop = asyncio.get_running_loop()
            async with self._bot() as bot:
                for index, message in enumerate(messages):
                    started = loop.time()
                    try:
                        await bot.send_message(
                            message.chat_id, message.text[:TEXT_LIMIT], reply_markup=_markup(message.buttons)
                        )
                    except RetryAfter as error:
                        pause = channel_error(error)
                        results.extend([pause] * (len(messages) - index))
                        return results
                    except TelegramError as error:
                        results.append(channel_error(error))
                    else:
                        results.append(None)
                    await asyncio.sleep(max(0.0, interval - (loop.time() - started)))
            return results

        try:
            return asyncio.run(run())
        except TelegramError as error:  # the bot itself could not start (token refused, server down)
            return [channel_error(error)] * len(messages)

    def get_updates(self, offset: int, timeout: int) -> list[dict[str, Any]]:
        from telegram.error import TelegramError

        async def run() -> list[dict[str, Any]]:
            async with self._bot() as bot:
                updates = await bot.get_updates(
                    offset=offset or None,
                    timeout=timeout,
                    allowed_updates=["message", "callback_query"],
                    read_timeout=timeout + 10,
                )
                return [update.to_dict() for update in updates]

        try:
            return asyncio.run(run())
        except TelegramError as error:
            raise channel_error(error) from error

    def reply(self, chat_id: int, text: str, callback_query_id: str = "") -> None:
        """Answer a button press (a short notice under the message) or a message (a new message)."""
        from telegram.error import TelegramError

        async def run() -> None:
            async with self._bot() as bot:
                if callback_query_id:
                    await bot.answer_callback_query(callback_query_id, text=text[:200])
                else:
                    await bot.send_message(chat_id, text[:TEXT_LIMIT])

        try:
            asyncio.run(run())
        except TelegramError as error:
            raise channel_error(error) from error

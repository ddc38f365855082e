"""A local Telegram Bot API (HTTP level) for the Telegram tests: the real python-telegram-bot
client talks to it through TELEGRAM_API_URL.

It answers getMe, sendMessage, getUpdates (long polling on queued updates), answerCallbackQuery,
records every call with its decoded parameters, and can be told to refuse: a wrong token (401),
a chat that blocked the bot (403), flood control for a chat (429 with retry_after).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

TOKEN = "123456:TEST-token-of-the-bot"
BOT_ID = 123456


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float


class BotApi:
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.blocked: set[int] = set()
        self.flood: dict[int, int] = {}  # chat id -> retry_after seconds, for its next message only
        self._next_update = 1
        self._next_message = 1
        self._changed = threading.Condition()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _params(self) -> dict[str, Any]:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                kind = self.headers.get("Content-Type", "")
                if "json" in kind:
                    return json.loads(raw or b"{}")
                params: dict[str, Any] = {}
                for key, value in parse_qsl(raw.decode()):
                    try:
                        params[key] = json.loads(value)
                    except ValueError:
                        params[key] = value
                return params

            def do_POST(self) -> None:  # noqa: N802  (http.server's naming)
                _empty, token_part, method = self.path.split("/", 2)
                params = self._params()
                status, body = api.answer(token_part.removeprefix("bot"), method, params)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> BotApi:
        self.thread.start()
        return self

    def stop(self) -> None:
        with self._changed:
            self._changed.notify_all()
        self.server.shutdown()
        self.server.server_close()

    # --- what a person does in Telegram -------------------------------------------------------
    def _push(self, update: dict[str, Any]) -> None:
        with self._changed:
            update["update_id"] = self._next_update
            self._next_update += 1
            self.updates.append(update)
            self._changed.notify_all()

    def user_sends(self, chat_id: int, text: str, username: str = "anna") -> None:
        who = {"id": chat_id, "is_bot": False, "first_name": "Anna", "username": username}
        message = {"message_id": 1, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"}, "from": who}
        self._push({"message": {**message, "text": text}})

    def user_presses(self, chat_id: int, data: str) -> None:
        who = {"id": chat_id, "is_bot": False, "first_name": "Anna"}
        message = {"message_id": 7, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"}}
        self._push(
            {
                "callback_query": {
                    "id": f"q{self._next_update}",
                    "from": who,
                    "chat_instance": "c",
                    "data": data,
                    "message": message,
                }
            }
        )

    # --- the API --------------------------------------------------------------------------------
    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        return [call.params for call in self.calls if call.method == method]

    def answer(self, token: str, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.calls.append(Call(method, params, time.time()))
        if token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if method == "getMe":
            me = {"id": BOT_ID, "is_bot": True, "first_name": "Desk", "username": "desk_test_bot"}
            return 200, {
                "ok": True,
                "result": {
                    **me,
                    "can_join_groups": False,
                    "can_read_all_group_messages": False,
                    "supports_inline_queries": False,
                },
            }
        if method == "sendMessage":
            return self._send_message(params)
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._updates(params)}
        if method == "answerCallbackQuery":
            return 200, {"ok": True, "result": True}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}

    def _send_message(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked:
            return 403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
        if chat_id in self.flood:
            wait = self.flood.pop(chat_id)
            return 429, {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {wait}",
                "parameters": {"retry_after": wait},
            }
        self._next_message += 1
        chat = {"id": chat_id, "type": "private"}
        message = {
            "message_id": self._next_message,
            "date": int(time.time()),
            "chat": chat,
            "text": params.get("text", ""),
        }
        return 200, {"ok": True, "result": message}

    def _updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        with self._changed:
            while True:
                waiting = [u for u in self.updates if u["update_id"] >= offset]
                left = deadline - time.monotonic()
                if waiting or left <= 0:
                    return waiting
                self._changed.wait(left)

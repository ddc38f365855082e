"""A fake of the Microsoft Graph v1.0 mail endpoints the incoming Graph client uses.

It speaks the documented shapes: ``/users/{id}/mailFolders/{id|well-known}``, ``childFolders``
(GET with paging, POST to create), ``mailFolders/{id}/messages`` with ``$top`` paging through
``@odata.nextLink`` and the PR_MESSAGE_SIZE extended property, ``messages/{id}/$value``,
``messages/{id}/move`` and ``DELETE messages/{id}``. Errors use Graph's ``{"error": {...}}`` body.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote, unquote, urlsplit

from .fake_http import LoopbackServer, QuietHandler

WELL_KNOWN = {"inbox", "msgfolderroot"}


@dataclass
class GraphFolder:
    id: str
    name: str
    parent: str | None


@dataclass
class GraphMessage:
    id: str
    folder: str
    raw: bytes
    received: str


@dataclass
class GraphState:
    user: str
    token: str
    folders: dict[str, GraphFolder] = field(default_factory=dict)
    messages: dict[str, GraphMessage] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def new_id(self, prefix: str) -> str:
        # Real ids are long base64url strings; "=" and "-" prove the client quotes them.
        return f"{prefix}-AAMk{next(self.ids):04d}="


class FakeGraph(LoopbackServer):
    page_size = 2

    def __init__(self, user: str = "support@example.test", token: str = "graph-token") -> None:
        self.state = GraphState(user=user, token=token)
        self.reset()
        super().__init__(_GraphHandler)

    def reset(self) -> None:
        state = self.state
        with state.lock:
            state.folders.clear()
            state.messages.clear()
            state.requests.clear()
            state.folders["msgfolderroot"] = GraphFolder("root-id", "Top of Information Store", None)
            state.folders["inbox"] = GraphFolder("inbox-id", "Входящие", "root-id")

    def folder_by_id(self, folder_id: str) -> GraphFolder | None:
        for key, folder in self.state.folders.items():
            if folder.id == folder_id or key == folder_id.lower():
                return folder
        return None

    def add_folder(self, name: str, parent: str = "inbox-id") -> str:
        folder = GraphFolder(self.state.new_id("folder"), name, parent)
        with self.state.lock:
            self.state.folders[folder.id] = folder
        return folder.id

    def deliver(self, raw: bytes, folder: str = "inbox-id") -> str:
        with self.state.lock:
            message = GraphMessage(
                self.state.new_id("msg"), folder, raw, f"2026-11-22T05:{len(self.state.messages):02d}:00Z"
            )
            self.state.messages[message.id] = message
        return message.id

    def messages_in(self, folder_id: str) -> list[GraphMessage]:
        return sorted((m for m in self.state.messages.values() if m.folder == folder_id), key=lambda m: m.received)

    def child_named(self, parent_id: str, name: str) -> GraphFolder | None:
        for folder in self.state.folders.values():
            if folder.parent == parent_id and folder.name == name:
                return folder
        return None


class _GraphHandler(QuietHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        self._dispatch()

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch()

    def do_DELETE(self) -> None:  # noqa: N802
        self._dispatch()

    def _dispatch(self) -> None:
        fake: FakeGraph = self.fake  # type: ignore[assignment]
        url = urlsplit(self.path)
        fake.state.requests.append(f"{self.command} {unquote(url.path)}")
        body = self.body()
        if self.headers.get("Authorization") != f"Bearer {fake.state.token}":
            return self._error(401, "InvalidAuthenticationToken", "Access token validation failure.")
        parts = [unquote(part) for part in url.path.split("/") if part]
        prefix = ["v1.0", "users", fake.state.user]
        if parts[:3] != prefix:
            return self._error(404, "ErrorInvalidUser", f"The requested user '{parts[2:3]}' is invalid.")
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        route = parts[3:]
        with fake.state.lock:
            self._route(fake, route, query, body)

    def _route(self, fake: FakeGraph, route: list[str], query: dict[str, str], body: bytes) -> None:
        if route[0] == "mailFolders":
            folder = fake.folder_by_id(route[1])
            if folder is None:
                return self._error(404, "ErrorItemNotFound", "The specified object was not found in the store.")
            if len(route) == 2:
                return self._json(200, {"id": folder.id, "displayName": folder.name})
            if route[2] == "childFolders":
                return self._child_folders(fake, folder, query, body)
            if route[2] == "messages":
                return self._list_messages(fake, folder, query)
        if route[0] == "messages" and route[1] in fake.state.messages:
            return self._message(fake, fake.state.messages[route[1]], route[2:], body)
        if route[0] == "messages":
            return self._error(404, "ErrorItemNotFound", "The specified object was not found in the store.")
        return self._error(400, "BadRequest", f"Unsupported path {route}")

    def _child_folders(self, fake: FakeGraph, parent: GraphFolder, query: dict[str, str], body: bytes) -> None:
        if self.command == "POST":
            name = json.loads(body)["displayName"]
            if fake.child_named(parent.id, name):
                return self._error(409, "ErrorFolderExists", "A folder with the specified name already exists.")
            folder = GraphFolder(fake.state.new_id("folder"), name, parent.id)
            fake.state.folders[folder.id] = folder
            return self._json(201, {"id": folder.id, "displayName": folder.name, "parentFolderId": parent.id})
        children = [f for f in fake.state.folders.values() if f.parent == parent.id]
        values = [{"id": f.id, "displayName": f.name} for f in children]
        return self._page(values, query)

    def _list_messages(self, fake: FakeGraph, folder: GraphFolder, query: dict[str, str]) -> None:
        if query.get("$select") != "id,internetMessageId,receivedDateTime":
            return self._error(400, "BadRequest", "unexpected $select")
        with_size = "0x0E08" in query.get("$expand", "")
        values = []
        for message in fake.messages_in(folder.id):
            item = {"id": message.id, "internetMessageId": "<x@example.test>", "receivedDateTime": message.received}
            if with_size:
                item["singleValueExtendedProperties"] = [{"id": "Integer 0xe08", "value": str(len(message.raw))}]
            values.append(item)
        return self._page(values, query)

    def _message(self, fake: FakeGraph, message: GraphMessage, rest: list[str], body: bytes) -> None:
        if self.command == "GET" and rest == ["$value"]:
            return self.reply(200, message.raw, "text/plain")
        if self.command == "POST" and rest == ["move"]:
            destination = fake.folder_by_id(json.loads(body)["destinationId"])
            if destination is None:
                return self._error(404, "ErrorItemNotFound", "The destination folder was not found.")
            # A move creates a new item with a new id, as Exchange does.
            del fake.state.messages[message.id]
            moved = GraphMessage(fake.state.new_id("msg"), destination.id, message.raw, message.received)
            fake.state.messages[moved.id] = moved
            return self._json(201, {"id": moved.id, "parentFolderId": destination.id})
        if self.command == "DELETE" and not rest:
            del fake.state.messages[message.id]
            return self.reply(204, b"", "text/plain")
        return self._error(405, "ErrorInvalidRequest", "Unsupported message operation")

    def _page(self, values: list[dict[str, object]], query: dict[str, str]) -> None:
        top = min(int(query.get("$top", "10")), FakeGraph.page_size)
        skip = int(query.get("$skip", "0"))
        page: dict[str, object] = {"value": values[skip : skip + top]}
        if skip + top < len(values):
            rest = {k: v for k, v in query.items() if k != "$skip"} | {"$skip": str(skip + top)}
            encoded = "&".join(f"{quote(k)}={quote(v)}" for k, v in rest.items())
            page["@odata.nextLink"] = f"{self.fake.base_url}{urlsplit(self.path).path}?{encoded}"
        return self._json(200, page)

    def _json(self, status: int, data: object) -> None:
        self.reply(status, json.dumps(data).encode(), "application/json")

    def _error(self, status: int, code: str, message: str) -> None:
        self._json(status, {"error": {"code": code, "message": message}})

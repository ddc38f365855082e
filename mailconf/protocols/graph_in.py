"""Microsoft 365 mailboxes through the Microsoft Graph v1.0 REST API (app-only bearer token).

Folders are resolved by display name: a path starting with "INBOX" starts at the well-known inbox,
anything else at the top of the mailbox (``msgfolderroot``), so "Входящие/Заявки" works on a
mailbox whose inbox is shown in Russian.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Self
from urllib.parse import quote

import requests

from .base import DEFAULT_GRAPH_URL, GRAPH_SCOPE, CheckReport, ConnectionSettings
from .errors import Reason, TransportError
from .https import TrustAdapter, http_reason
from .incoming import (
    INCOMING_PROTOCOLS,
    FolderPath,
    IncomingMailbox,
    MailboxConfig,
    Outcome,
    RemoteMessage,
    check_size,
    folder_label,
)

# PR_MESSAGE_SIZE (MAPI 0x0E08): Graph v1.0 has no size property, the extended one is documented.
SIZE_PROPERTY = "Integer 0x0E08"
_SIZE_TAG = 0x0E08
_PAGE_SIZE = 50
_CHUNK = 64 * 1024
_TEMPORARY_STATUSES = {408, 429, 500, 502, 503, 504}


@dataclass
class GraphMailboxConfig(MailboxConfig):
    """A Microsoft 365 mailbox: ``login`` is its address; the app-only token always authenticates."""

    graph_base_url: str = DEFAULT_GRAPH_URL

    @classmethod
    def from_settings(cls, settings: ConnectionSettings) -> Self:
        return cls(**cls._common(settings), graph_base_url=settings.graph_base_url)


@INCOMING_PROTOCOLS.register
class GraphMailbox(IncomingMailbox[GraphMailboxConfig]):
    kind = "graph"
    card_fields = (
        "verify_certificate",
        "login",
        "client_id",
        "tenant_id",
        "client_secret",
        "folders",
        "processed_folder",
        "error_folder",
    )
    config_class = GraphMailboxConfig
    oauth_scope = GRAPH_SCOPE
    token_only = True

    def __init__(self, config: GraphMailboxConfig) -> None:
        super().__init__(config)
        self._session: requests.Session | None = None
        self._folder_ids: dict[FolderPath, str] = {}
        self._inbox: dict[str, Any] = {}

    @property
    def base_url(self) -> str:
        return (self.config.graph_base_url or DEFAULT_GRAPH_URL).rstrip("/") + "/v1.0"

    @property
    def user_url(self) -> str:
        return f"{self.base_url}/users/{quote(self.config.login, safe='@')}"

    @property
    def is_open(self) -> bool:
        return self._session is not None

    def open(self) -> None:
        if self._session is not None:
            return
        if not self.config.login:
            raise TransportError(
                "The Microsoft 365 mailbox needs the mailbox address as its login.",
                permanent=True,
                reason=Reason.CONFIG,
            )
        session = requests.Session()
        session.mount(self.base_url, TrustAdapter(self.config.requests_verify()))
        session.headers["Authorization"] = f"Bearer {self.config.access_token()}"
        session.headers["Accept"] = "application/json"
        self._session = session
        try:
            # Reading the inbox proves the token, the permission and the mailbox address at once.
            self._inbox = self._get_json(f"{self.user_url}/mailFolders/inbox", params={"$select": "id,displayName"})
        except TransportError:
            self.close()
            raise
        self._folder_ids[("INBOX",)] = self._inbox["id"]

    def close(self) -> None:
        session, self._session = self._session, None
        self._folder_ids.clear()
        if session is not None:
            session.close()

    def check_report(self) -> CheckReport:
        https = self.base_url.lower().startswith("https://")
        return CheckReport(
            server=self.base_url,
            encrypted=https,
            certificate_verified=https and self.config.verify_certificate,
            authenticated=True,
            login=self.config.login,
            oauth2=True,
        )

    def summary(self) -> str:
        return f'Microsoft Graph {self.base_url}: mailbox {self.config.login}, inbox "{self._inbox.get("displayName", "")}"'

    # --- folders -------------------------------------------------------------------------------

    def folder_id(self, folder: Sequence[str], *, create: bool = False) -> str:
        path = tuple(folder)
        if not path:
            raise TransportError("empty folder name", permanent=True)
        if path in self._folder_ids:
            return self._folder_ids[path]
        if len(path) == 1 and path[0] != "INBOX":
            parent_id = "msgfolderroot"
        else:
            parent_id = self.folder_id(path[:-1], create=create)
        folder_id = self._child_id(parent_id, path[-1])
        if folder_id is None:
            if not create:
                raise TransportError(f"mail folder {folder_label(path)} does not exist", permanent=True)
            created = self._request(
                "POST", f"{self.user_url}/mailFolders/{parent_id}/childFolders", json={"displayName": path[-1]}
            ).json()
            folder_id = created["id"]
        self._folder_ids[path] = folder_id
        return folder_id

    def _child_id(self, parent_id: str, name: str) -> str | None:
        url = f"{self.user_url}/mailFolders/{quote(parent_id, safe='')}/childFolders"
        wanted = name.casefold()
        # Exchange folder names are case-insensitive; compare locally instead of relying on $filter.
        for child in self._pages(url, {"$select": "id,displayName", "$top": "100"}):
            if str(child.get("displayName", "")).casefold() == wanted:
                return child["id"]
        return None

    # --- messages ------------------------------------------------------------------------------

    def list_messages(self, folder: Sequence[str]) -> list[RemoteMessage]:
        path = tuple(folder)
        url = f"{self.user_url}/mailFolders/{quote(self.folder_id(path), safe='')}/messages"
        params = {
            "$select": "id,internetMessageId,receivedDateTime",
            "$orderby": "receivedDateTime asc",
            "$top": str(_PAGE_SIZE),
            "$expand": f"singleValueExtendedProperties($filter=id eq '{SIZE_PROPERTY}')",
        }
        return [RemoteMessage(server_id=item["id"], folder=path, size=_size(item)) for item in self._pages(url, params)]

    def fetch(self, msg: RemoteMessage, *, max_bytes: int | None = None) -> bytes:
        max_bytes = self.size_limit(max_bytes)
        check_size(msg, max_bytes)
        response = self._request("GET", f"{self._message_url(msg)}/$value", stream=True)
        with response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit():
                check_size(msg, max_bytes, int(length))
            return self._read_limited(response, msg, max_bytes)

    def _read_limited(self, response: requests.Response, msg: RemoteMessage, max_bytes: int | None) -> bytes:
        chunks: list[bytes] = []
        received = 0
        try:
            for chunk in response.iter_content(_CHUNK):
                received += len(chunk)
                # The size is not always known up front; stop reading as soon as the limit is passed.
                check_size(msg, max_bytes, received)
                chunks.append(chunk)
        except requests.RequestException as exc:
            raise TransportError(f"Graph download of {msg.server_id} failed: {exc}", permanent=False) from exc
        return b"".join(chunks)

    def acknowledge(self, msg: RemoteMessage, *, outcome: Outcome) -> None:
        target = self.config.target_folder(outcome)
        if target is None:
            self._request("DELETE", self._message_url(msg))
            return
        destination = self.folder_id(target, create=True)
        self._request("POST", f"{self._message_url(msg)}/move", json={"destinationId": destination})

    def _message_url(self, msg: RemoteMessage) -> str:
        return f"{self.user_url}/messages/{quote(msg.server_id, safe='')}"

    # --- HTTP ----------------------------------------------------------------------------------

    def _pages(self, url: str, params: dict[str, str]) -> Iterator[dict[str, Any]]:
        next_url: str | None = url
        query: dict[str, str] | None = params
        while next_url:
            page = self._get_json(next_url, params=query)
            yield from page.get("value", [])
            # nextLink already carries every query option (and the skip token).
            next_url, query = page.get("@odata.nextLink"), None

    def _get_json(self, url: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        return self._request("GET", url, params=params).json()

    def _request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        if self._session is None:
            raise TransportError("the Graph mailbox is not open", permanent=False)
        action = f"Graph {method} {url.removeprefix(self.base_url)}"
        try:
            response = self._session.request(method, url, timeout=self.config.timeout, **kwargs)
        except requests.exceptions.SSLError as exc:
            raise TransportError(
                f"{action}: TLS failed ({exc}); check the certificate settings", permanent=True, reason=http_reason(exc)
            ) from exc
        except requests.RequestException as exc:
            raise TransportError(f"{action}: {exc}", permanent=False, reason=http_reason(exc)) from exc
        if response.status_code >= 400:
            raise _http_error(action, response)
        return response


def _http_error(action: str, response: requests.Response) -> TransportError:
    code, message = "", response.reason or ""
    try:
        error = response.json().get("error", {})
        code, message = error.get("code", ""), error.get("message", message)
    except ValueError:
        message = response.text[:300] or message
    status = response.status_code
    detail = f"{action}: HTTP {status} {code}: {message}".rstrip(": ")
    if status in (401, 403):
        detail += " (check the application's Mail.ReadWrite permission and the token)"
    reason = Reason.AUTH if status in (401, 403) else Reason.REJECTED
    return TransportError(detail, permanent=status not in _TEMPORARY_STATUSES, reason=reason)


def _size(item: dict[str, Any]) -> int | None:
    for prop in item.get("singleValueExtendedProperties") or []:
        # Graph answers with its normalised spelling ("Integer 0xe08"), so compare the tag numerically.
        kind, _, tag = str(prop.get("id", "")).partition(" ")
        try:
            if kind.lower() == "integer" and int(tag, 16) == _SIZE_TAG:
                return int(prop.get("value"))
        except (TypeError, ValueError):
            return None
    return None

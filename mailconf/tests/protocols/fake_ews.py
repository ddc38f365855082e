"""A fake Exchange Web Services endpoint answering the SOAP operations the incoming EWS client uses.

Responses follow the documented EWS schemas (messages/types namespaces, ResponseClass/ResponseCode,
ServerVersionInfo header): ConvertId (exchangelib's version probe), GetFolder, FindFolder,
CreateFolder, FindItem, GetItem with MimeContent, MoveItem and DeleteItem. Authentication is HTTP
Basic (advertised on an anonymous request, as IIS does) or an OAuth bearer token.
"""

from __future__ import annotations

import base64
import itertools
import threading
from dataclasses import dataclass, field
from ssl import SSLContext
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

from .fake_http import LoopbackServer, QuietHandler

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
M = "http://schemas.microsoft.com/exchange/services/2006/messages"
T = "http://schemas.microsoft.com/exchange/services/2006/types"
NS = {"s": SOAP, "m": M, "t": T}
ENDPOINT = "/EWS/Exchange.asmx"


@dataclass
class EwsFolder:
    id: str
    name: str
    parent: str | None
    distinguished: str | None = None


@dataclass
class EwsItem:
    id: str
    folder: str
    mime: bytes
    changekey: str = "CQAAABYAAAA"


@dataclass
class EwsState:
    login: str
    password: str
    token: str
    folders: dict[str, EwsFolder] = field(default_factory=dict)
    items: dict[str, EwsItem] = field(default_factory=dict)
    operations: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def new_id(self, prefix: str) -> str:
        return f"AAMk{prefix}{next(self.ids):04d}=="


class FakeEws(LoopbackServer):
    def __init__(
        self,
        login: str = "support@example.test",
        password: str = "ews-Pass-1",
        token: str = "ews-token",
        tls: SSLContext | None = None,
    ) -> None:
        self.state = EwsState(login=login, password=password, token=token)
        self.reset()
        super().__init__(_EwsHandler, tls=tls)

    @property
    def url(self) -> str:
        return self.base_url + ENDPOINT

    def reset(self) -> None:
        state = self.state
        with state.lock:
            state.folders.clear()
            state.items.clear()
            state.operations.clear()
            for folder in (
                EwsFolder("AAMkroot==", "", None, "root"),
                EwsFolder("AAMktois==", "Top of Information Store", "AAMkroot==", "msgfolderroot"),
                EwsFolder("AAMkinbox==", "Входящие", "AAMktois==", "inbox"),
            ):
                state.folders[folder.id] = folder

    def folder_named(self, *path: str) -> EwsFolder | None:
        """Find a folder by display-name path from the inbox ("INBOX") or the top of the store."""
        current = self.state.folders["AAMkinbox==" if path[0] == "INBOX" else "AAMktois=="]
        for name in path[1:] if path[0] == "INBOX" else path:
            found = [
                f for f in self.state.folders.values() if f.parent == current.id and f.name.lower() == name.lower()
            ]
            if not found:
                return None
            current = found[0]
        return current

    def add_folder(self, name: str, parent: str = "AAMkinbox==") -> str:
        folder = EwsFolder(self.state.new_id("folder"), name, parent)
        with self.state.lock:
            self.state.folders[folder.id] = folder
        return folder.id

    def deliver(self, raw: bytes, folder: str = "AAMkinbox==") -> str:
        with self.state.lock:
            item = EwsItem(self.state.new_id("item"), folder, raw)
            self.state.items[item.id] = item
        return item.id

    def items_in(self, folder_id: str) -> list[EwsItem]:
        return [item for item in self.state.items.values() if item.folder == folder_id]


class _EwsHandler(QuietHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server naming
        fake: FakeEws = self.fake  # type: ignore[assignment]
        body = self.body()
        auth = self.headers.get("Authorization", "")
        if not auth:
            return self.reply(401, b"", "text/html", {"WWW-Authenticate": 'Basic realm="fake-exchange"'})
        if not self._authorised(fake, auth):
            return self.reply(
                401,
                b"401 - Unauthorized: Access is denied due to invalid credentials.",
                "text/html",
                {"WWW-Authenticate": 'Basic realm="fake-exchange"'},
            )
        operation = ET.fromstring(body).find("s:Body", NS)[0]
        name = operation.tag.split("}")[1]
        with fake.state.lock:
            fake.state.operations.append(name)
            handler = getattr(self, f"_op_{name}", None)
            inner = handler(fake, operation) if handler else _error(name, "ErrorInvalidOperation", "Unsupported")
        self.reply(200, _envelope(inner), "text/xml; charset=utf-8")

    @staticmethod
    def _authorised(fake: FakeEws, auth: str) -> bool:
        state = fake.state
        if auth.startswith("Bearer "):
            return auth == f"Bearer {state.token}"
        if auth.startswith("Basic "):
            decoded = base64.b64decode(auth[6:]).decode()
            return decoded == f"{state.login}:{state.password}"
        return False

    # --- operations ----------------------------------------------------------------------------

    def _op_ConvertId(self, fake: FakeEws, op: ET.Element) -> str:  # noqa: N802 - EWS operation name
        # exchangelib probes with a dummy id; an error answer still carries the ServerVersionInfo header.
        return _error("ConvertId", "ErrorInvalidIdMalformed", "Id is malformed.")

    def _op_GetFolder(self, fake: FakeEws, op: ET.Element) -> str:  # noqa: N802
        messages = []
        for ref in op.find("m:FolderIds", NS):
            folder = _resolve_folder(fake, ref)
            if folder is None:
                messages.append(
                    _message(
                        "GetFolder",
                        "ErrorFolderNotFound",
                        "The specified folder could not be found in the store.",
                        "<m:Folders/>",
                    )
                )
            else:
                messages.append(
                    _message("GetFolder", "NoError", "", f"<m:Folders>{_folder_xml(fake, folder)}</m:Folders>")
                )
        return _response("GetFolder", messages)

    def _op_FindFolder(self, fake: FakeEws, op: ET.Element) -> str:  # noqa: N802
        parent = _resolve_folder(fake, op.find("m:ParentFolderIds", NS)[0])
        if parent is None:
            return _error("FindFolder", "ErrorFolderNotFound", "The specified folder could not be found in the store.")
        children = [f for f in fake.state.folders.values() if f.parent == parent.id]
        wanted = op.find(".//t:IsEqualTo/t:FieldURIOrConstant/t:Constant", NS)
        if wanted is not None:
            children = [f for f in children if f.name.lower() == wanted.get("Value", "").lower()]
        folders = "".join(_folder_xml(fake, f) for f in children)
        root = (
            f'<m:RootFolder IndexedPagingOffset="{len(children)}" TotalItemsInView="{len(children)}" '
            f'IncludesLastItemInRange="true"><t:Folders>{folders}</t:Folders></m:RootFolder>'
        )
        return _response("FindFolder", [_message("FindFolder", "NoError", "", root)])

    def _op_CreateFolder(self, fake: FakeEws, op: ET.Element) -> str:  # noqa: N802
        parent = _resolve_folder(fake, op.find("m:ParentFolderId", NS)[0])
        name = op.find("m:Folders/t:Folder/t:DisplayName", NS).text or ""
        if parent is None:
            return _error(
                "CreateFolder", "ErrorFolderNotFound", "The specified folder could not be found in the store."
            )
        if any(f.parent == parent.id and f.name.lower() == name.lower() for f in fake.state.folders.values()):
            return _error("CreateFolder", "ErrorFolderExists", "A folder with the specified name already exists.")
        folder = EwsFolder(fake.state.new_id("folder"), name, parent.id)
        fake.state.folders[folder.id] = folder
        created = f'<m:Folders><t:Folder><t:FolderId Id="{folder.id}" ChangeKey="AQAAAA=="/></t:Folder></m:Folders>'
        return _response("CreateFolder", [_message("CreateFolder", "NoError", "", created)])

    def _op_FindItem(self, fake: FakeEws, op: ET.Element) -> str:  # noqa: N802
        folder = _resolve_folder(fake, op.find("m:ParentFolderIds", NS)[0])
        if folder is None:
            return _error("FindItem", "ErrorFolderNotFound", "The specified folder could not be found in the store.")
        items = fake.items_in(folder.id)
        view = op.find("m:IndexedPageItemView", NS)
        offset = int(view.get("Offset", "0")) if view is not None else 0
        limit = int(view.get("MaxEntriesReturned", "1000")) if view is not None else 1000
        page = items[offset : offset + limit]
        wants_size = any(f.get("FieldURI") == "item:Size" for f in op.iterfind(".//t:FieldURI", NS))
        rows = "".join(
            f'<t:Message><t:ItemId Id="{item.id}" ChangeKey="{item.changekey}"/>'
            + (f"<t:Size>{len(item.mime)}</t:Size>" if wants_size else "")
            + "</t:Message>"
            for item in page
        )
        last = "true" if offset + len(page) >= len(items) else "false"
        root = (
            f'<m:RootFolder IndexedPagingOffset="{offset + len(page)}" TotalItemsInView="{len(items)}" '
            f'IncludesLastItemInRange="{last}"><t:Items>{rows}</t:Items></m:RootFolder>'
        )
        return _response("FindItem", [_message("FindItem", "NoError", "", root)])

    def _op_GetItem(self, fake: FakeEws, op: ET.Element) -> str:  # noqa: N802
        with_mime = op.find("m:ItemShape/t:IncludeMimeContent", NS)
        wants_mime = (with_mime is not None and with_mime.text == "true") or any(
            f.get("FieldURI") == "item:MimeContent" for f in op.iterfind("m:ItemShape//t:FieldURI", NS)
        )
        messages = []
        for ref in op.find("m:ItemIds", NS):
            item = fake.state.items.get(ref.get("Id", ""))
            if item is None:
                messages.append(
                    _message(
                        "GetItem", "ErrorItemNotFound", "The specified object was not found in the store.", "<m:Items/>"
                    )
                )
                continue
            mime = (
                f'<t:MimeContent CharacterSet="UTF-8">{base64.b64encode(item.mime).decode()}</t:MimeContent>'
                if wants_mime
                else ""
            )
            body = f'<m:Items><t:Message>{mime}<t:ItemId Id="{item.id}" ChangeKey="{item.changekey}"/></t:Message></m:Items>'
            messages.append(_message("GetItem", "NoError", "", body))
        return _response("GetItem", messages)

    def _op_MoveItem(self, fake: FakeEws, op: ET.Element) -> str:  # noqa: N802
        target = _resolve_folder(fake, op.find("m:ToFolderId", NS)[0])
        messages = []
        for ref in op.find("m:ItemIds", NS):
            item = fake.state.items.pop(ref.get("Id", ""), None)
            if item is None or target is None:
                code = "ErrorItemNotFound" if item is None else "ErrorFolderNotFound"
                messages.append(
                    _message("MoveItem", code, "The specified object was not found in the store.", "<m:Items/>")
                )
                continue
            # Moving between folders gives the item a new id, as Exchange does.
            moved = EwsItem(fake.state.new_id("item"), target.id, item.mime)
            fake.state.items[moved.id] = moved
            body = (
                f'<m:Items><t:Message><t:ItemId Id="{moved.id}" ChangeKey="{moved.changekey}"/></t:Message></m:Items>'
            )
            messages.append(_message("MoveItem", "NoError", "", body))
        return _response("MoveItem", messages)

    def _op_DeleteItem(self, fake: FakeEws, op: ET.Element) -> str:  # noqa: N802
        messages = []
        for ref in op.find("m:ItemIds", NS):
            found = fake.state.items.pop(ref.get("Id", ""), None) is not None
            code, text = (
                ("NoError", "") if found else ("ErrorItemNotFound", "The specified object was not found in the store.")
            )
            messages.append(_message("DeleteItem", code, text, ""))
        return _response("DeleteItem", messages)


def _resolve_folder(fake: FakeEws, ref: ET.Element) -> EwsFolder | None:
    if ref.tag == f"{{{T}}}DistinguishedFolderId":
        mailbox = ref.find("t:Mailbox/t:EmailAddress", NS)
        if mailbox is not None and (mailbox.text or "").lower() != fake.state.login.lower():
            return None
        wanted = ref.get("Id")
        return next((f for f in fake.state.folders.values() if f.distinguished == wanted), None)
    return fake.state.folders.get(ref.get("Id", ""))


def _folder_xml(fake: FakeEws, folder: EwsFolder) -> str:
    children = sum(1 for f in fake.state.folders.values() if f.parent == folder.id)
    total = len(fake.items_in(folder.id))
    parent = f'<t:ParentFolderId Id="{folder.parent}" ChangeKey="AQAAAA=="/>' if folder.parent else ""
    return (
        f'<t:Folder><t:FolderId Id="{folder.id}" ChangeKey="AQAAAA=="/>{parent}'
        f"<t:FolderClass>IPF.Note</t:FolderClass><t:DisplayName>{escape(folder.name)}</t:DisplayName>"
        f"<t:TotalCount>{total}</t:TotalCount><t:ChildFolderCount>{children}</t:ChildFolderCount>"
        f"<t:UnreadCount>0</t:UnreadCount></t:Folder>"
    )


def _message(operation: str, code: str, text: str, body: str) -> str:
    cls = "Success" if code == "NoError" else "Error"
    text_xml = f"<m:MessageText>{escape(text)}</m:MessageText>" if text else ""
    key = "<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>" if cls == "Error" else ""
    return (
        f"<m:{operation}ResponseMessage ResponseClass={quoteattr(cls)}>{text_xml}"
        f"<m:ResponseCode>{code}</m:ResponseCode>{key}{body}</m:{operation}ResponseMessage>"
    )


def _response(operation: str, messages: list[str]) -> str:
    return (
        f"<m:{operation}Response><m:ResponseMessages>{''.join(messages)}</m:ResponseMessages></m:{operation}Response>"
    )


def _error(operation: str, code: str, text: str) -> str:
    return _response(operation, [_message(operation, code, text, "")])


def _envelope(inner: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="{SOAP}" xmlns:m="{M}" xmlns:t="{T}">'
        '<s:Header><h:ServerVersionInfo xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types" '
        'MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" Version="V2017_07_11"/>'
        f"</s:Header><s:Body>{inner}</s:Body></s:Envelope>"
    ).encode()

"""HTTP-level fakes of the Microsoft services outgoing mail talks to (none is reachable here).

- FakeAzureAd: the OpenID discovery document msal reads and the v2.0 token endpoint
  (client-credentials grant), over TLS because msal accepts only https authorities.
- FakeGraph: `POST /v1.0/users/{id}/sendMail` with a base64 MIME body, and `GET /v1.0/users/{id}`.
- FakeEws: an Exchange.asmx answering CreateItem (MimeContent, SendOnly) and GetFolder with the
  documented SOAP responses, behind Basic or Bearer authentication.
The real msal, requests and exchangelib libraries are driven against them.
"""

from __future__ import annotations

import base64
import json
import re
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit


class Loopback:
    """A threaded HTTP(S) server on 127.0.0.1 whose handler calls `self.handle(request)`."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.fake = self  # type: ignore[attr-defined]
        self.scheme = "https" if tls else "http"
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"{self.scheme}://{host}:{port}"

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def handle(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, bytes, dict[str, str]]:
        raise NotImplementedError


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        fake: Loopback = self.server.fake  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with fake.lock:
            fake.requests.append((self.command, self.path))
        status, data, headers = fake.handle(self.command, self.path, self.headers, body)
        self.send_response(status)
        headers = {"Content-Type": "application/json", **headers, "Content-Length": str(len(data))}
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _serve  # noqa: N815 - names fixed by http.server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet."""


def _json(status: int, data: dict[str, Any]) -> tuple[int, bytes, dict[str, str]]:
    return status, json.dumps(data).encode(), {}


class FakeAzureAd(Loopback):
    def __init__(self, tls: ssl.SSLContext, client_id: str = "app-id", secret: str = "client-Secret-1") -> None:
        super().__init__(tls)
        self.client_id, self.secret = client_id, secret
        self.expires_in = 3600
        self.issued: list[str] = []

    def handle(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, bytes, dict[str, str]]:
        parts = urlsplit(path).path.strip("/").split("/")
        tenant = parts[0]
        base = f"{self.base_url}/{tenant}"
        if path.endswith("/.well-known/openid-configuration"):
            return _json(
                200,
                {
                    "issuer": f"{base}/v2.0",
                    "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                    "token_endpoint": f"{base}/oauth2/v2.0/token",
                    "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
                    "jwks_uri": f"{base}/discovery/v2.0/keys",
                    "response_types_supported": ["code", "token"],
                },
            )
        if method == "POST" and parts[1:] == ["oauth2", "v2.0", "token"]:
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            if form.get("grant_type") != "client_credentials" or not form.get("scope", "").endswith("/.default"):
                return _json(400, {"error": "invalid_request", "error_description": "AADSTS900144: bad request"})
            if form.get("client_id") != self.client_id or form.get("client_secret") != self.secret:
                return _json(
                    401,
                    {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."},
                )
            token = f"token-{len(self.issued) + 1}-{tenant}"
            self.issued.append(token)
            return _json(
                200,
                {
                    "token_type": "Bearer",
                    "expires_in": self.expires_in,
                    "ext_expires_in": self.expires_in,
                    "access_token": token,
                },
            )
        return _json(404, {"error": "not_found"})


class FakeGraph(Loopback):
    def __init__(self, valid_tokens: list[str]) -> None:
        super().__init__()
        self.valid_tokens = valid_tokens
        self.sent: list[tuple[str, bytes]] = []
        self.fail_with: list[int] = []

    def handle(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, bytes, dict[str, str]]:
        if headers.get("Authorization", "").removeprefix("Bearer ") not in self.valid_tokens:
            return _json(401, {"error": {"code": "InvalidAuthenticationToken", "message": "Access token is empty."}})
        match = re.fullmatch(r"/v1\.0/users/([^/?]+)(/sendMail)?(\?.*)?", path)
        if not match:
            return _json(404, {"error": {"code": "ResourceNotFound", "message": "Resource not found"}})
        user = unquote(match.group(1))
        if method == "GET" and not match.group(2):
            return _json(200, {"id": "0f7a-user", "mail": user})
        if self.fail_with:
            status = self.fail_with.pop(0)
            return _json(
                status,
                {
                    "error": {
                        "code": "ErrorSendAsDenied" if status < 500 else "ServiceUnavailable",
                        "message": f"scripted {status}",
                    }
                },
            )
        if headers.get("Content-Type") != "text/plain":
            return _json(400, {"error": {"code": "RequestBodyRead", "message": "MIME content must be text/plain"}})
        self.sent.append((user, base64.b64decode(body)))
        return 202, b"", {}


_SOAP = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>'
    '<h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" '
    'Version="V2017_07_11" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/>'
    "</s:Header><s:Body>{body}</s:Body></s:Envelope>"
)
_NS = (
    'xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" '
    'xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"'
)
_CREATED = (
    f'<m:CreateItemResponse {_NS}><m:ResponseMessages><m:CreateItemResponseMessage ResponseClass="Success">'
    "<m:ResponseCode>NoError</m:ResponseCode><m:Items/></m:CreateItemResponseMessage></m:ResponseMessages>"
    "</m:CreateItemResponse>"
)
_ROOT = (
    f'<m:GetFolderResponse {_NS}><m:ResponseMessages><m:GetFolderResponseMessage ResponseClass="Success">'
    '<m:ResponseCode>NoError</m:ResponseCode><m:Folders><t:Folder><t:FolderId Id="AAMkRoot=" ChangeKey="AQAAAA=="/>'
    "<t:FolderClass>IPF.Note</t:FolderClass><t:DisplayName>Top of Information Store</t:DisplayName>"
    "<t:TotalCount>0</t:TotalCount><t:ChildFolderCount>0</t:ChildFolderCount><t:UnreadCount>0</t:UnreadCount>"
    "</t:Folder></m:Folders></m:GetFolderResponseMessage></m:ResponseMessages></m:GetFolderResponse>"
)
_ERROR = (
    f'<m:CreateItemResponse {_NS}><m:ResponseMessages><m:CreateItemResponseMessage ResponseClass="Error">'
    "<m:MessageText>{text}</m:MessageText><m:ResponseCode>{code}</m:ResponseCode><m:DescriptiveLinkKey>0"
    "</m:DescriptiveLinkKey><m:Items/></m:CreateItemResponseMessage></m:ResponseMessages></m:CreateItemResponse>"
)


class FakeEws(Loopback):
    path = "/EWS/Exchange.asmx"

    def __init__(
        self, users: dict[str, str] | None = None, tokens: list[str] | None = None, tls: ssl.SSLContext | None = None
    ) -> None:
        super().__init__(tls)
        self.users = users or {}
        self.tokens = tokens if tokens is not None else []  # shared with FakeAzureAd.issued
        self.sent: list[bytes] = []
        self.impersonated: list[str] = []
        self.fail_code = ""

    @property
    def url(self) -> str:
        return self.base_url + self.path

    def _authorized(self, header: str) -> bool:
        if header.startswith("Bearer "):
            return header[7:] in self.tokens
        if header.startswith("Basic "):
            login, _sep, password = base64.b64decode(header[6:]).decode().partition(":")
            return self.users.get(login) == password
        return False

    def handle(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, bytes, dict[str, str]]:
        if not self._authorized(headers.get("Authorization", "")):
            challenge = "Bearer" if self.tokens else 'Basic realm="exchange.example.test"'
            return 401, b"", {"WWW-Authenticate": challenge, "Content-Type": "text/plain"}
        text = body.decode()
        if "ExchangeImpersonation" in text:
            self.impersonated.extend(re.findall(r"<t:PrimarySmtpAddress>([^<]+)<", text))
        xml = {"Content-Type": "text/xml; charset=utf-8"}
        if "<m:CreateItem" in text:
            if self.fail_code:
                body_xml = _ERROR.format(code=self.fail_code, text="scripted failure")
                return 200, _SOAP.format(body=body_xml).encode(), xml
            mime = re.search(r"<t:MimeContent[^>]*>([^<]+)</t:MimeContent>", text)
            assert mime, text[:500]
            self.sent.append(base64.b64decode(mime.group(1)))
            return 200, _SOAP.format(body=_CREATED).encode(), xml
        if "<m:GetFolder" in text:
            return 200, _SOAP.format(body=_ROOT).encode(), xml
        return 500, b"unexpected request", {"Content-Type": "text/plain"}

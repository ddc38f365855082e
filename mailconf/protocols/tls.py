"""Certificate trust for every protocol: one TLS context builder and one requests adapter."""

from __future__ import annotations

import ssl
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from .errors import Reason, TransportError


def client_context(*, verify: bool = True, ca_file: str | None = None) -> ssl.SSLContext:
    """A client context: the system store plus `ca_file` with hostname checks, or no checks at all
    when `verify` is off (a server with a self-signed certificate). A CA file that cannot be read
    is a permanent TransportError."""
    if not verify:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    try:
        return ssl.create_default_context(cafile=ca_file or None)
    except (OSError, ssl.SSLError) as exc:
        raise TransportError(
            f"cannot load the CA file {ca_file!r}: {exc}", permanent=True, reason=Reason.CERTIFICATE
        ) from exc


def requests_verify(*, verify: bool = True, ca_file: str | None = None) -> bool | str:
    """The `verify` argument for requests: False, a CA bundle path, or True for the system store."""
    if not verify:
        return False
    return ca_file or True


class TrustAdapter(HTTPAdapter):
    """A requests adapter that always applies one connection's certificate settings.

    requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override ``Session.verify``, so a CA file set on
    the session would be silently ignored on hosts that export those variables; per request it holds.
    """

    def __init__(self, verify: bool | str, **kwargs: Any) -> None:
        self.verify = verify
        super().__init__(**kwargs)

    def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        kwargs["verify"] = self.verify
        return super().send(request, *args, **kwargs)


def trusting_session(verify: bool | str) -> requests.Session:
    """A requests session whose every request uses `verify`."""
    session = requests.Session()
    for prefix in ("https://", "http://"):
        session.mount(prefix, TrustAdapter(verify))
    return session


def http_reason(exc: BaseException) -> Reason:
    """The reason of a failed HTTPS request (EWS, Graph, the token service): requests wraps the
    socket error, so its text is the most reliable witness."""
    text = str(exc)
    if isinstance(exc, requests.exceptions.SSLError) or "SSLError" in text:
        return Reason.CERTIFICATE if "CERTIFICATE_VERIFY_FAILED" in text else Reason.TLS
    if isinstance(exc, requests.Timeout) or "timed out" in text:
        return Reason.TIMEOUT
    if "Connection refused" in text or "Errno 111" in text:
        return Reason.REFUSED
    if "NameResolutionError" in text or "Name or service not known" in text or "getaddrinfo" in text:
        return Reason.UNRESOLVED
    return Reason.OTHER

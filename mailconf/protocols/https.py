"""Certificate trust for the HTTPS protocols (EWS, Graph, the token service): a requests adapter
that applies one connection's settings, and the reason of a failed request.

Apart from `tls` because requests takes about 50 ms to import, and IMAP, POP3 and SMTP (imported at
every start-up, through the admin) never need it.
"""

from __future__ import annotations

from typing import Any

import requests
from requests.adapters import HTTPAdapter

from .errors import Reason


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

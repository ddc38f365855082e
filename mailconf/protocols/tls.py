"""Certificate trust for every protocol: one TLS context builder and the `verify` argument for
requests. The requests adapter and the HTTP failure reasons are in `https` (requests is imported
only by the protocols that speak HTTPS)."""

from __future__ import annotations

import ssl
from typing import Any

from .errors import Reason, TransportError

_MOVED_TO_HTTPS = frozenset({"TrustAdapter", "trusting_session", "http_reason"})


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


def __getattr__(name: str) -> Any:
    """The names that moved to `https` still resolve here (importing requests only when asked)."""
    if name in _MOVED_TO_HTTPS:
        from . import https

        return getattr(https, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

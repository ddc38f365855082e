"""The signature header: HMAC-SHA256 over "<timestamp>.<body>" with the webhook's secret.

`X-Servicedesk-Signature: t=<unix seconds>,v1=<hex digest>`. The timestamp is signed with the
body, so a receiver that rejects old timestamps is safe from replays of a captured call.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Servicedesk-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes) -> bool:
    """What a receiver does (our tests do it): recompute and compare in constant time."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), header)

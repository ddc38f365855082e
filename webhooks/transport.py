"""One POST to a webhook: a timeout on every call, redirects followed only within the same host.

A redirect to another host (or scheme or port) is refused rather than followed: the technologist
approved one address, and a compromised or misconfigured endpoint must not be able to send our
signed payloads, or our requests, anywhere else.

requests (about 50 ms to import) is imported by `post`: the admin imports this module at every
start-up (`django.setup()`), including workers that never call a webhook.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

MAX_REDIRECTS = 3


@dataclass(frozen=True)
class CallResult:
    ok: bool
    status: int | None
    error: str
    # Worth trying again later (a 5xx, a timeout, a refused connection); a 4xx is not.
    temporary: bool = True


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> CallResult:
    import requests

    target = url
    with requests.Session() as session:
        session.trust_env = False  # no proxy from the environment between us and the approved address
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                response = session.post(target, data=body, headers=headers, timeout=timeout, allow_redirects=False)
            except requests.Timeout:
                return CallResult(False, None, f"no answer within {timeout:g} s")
            except requests.RequestException as exc:
                return CallResult(False, None, f"{type(exc).__name__}: {exc}"[:1000])
            if response.is_redirect:
                location = urljoin(target, response.headers.get("Location", ""))
                if _origin(location) != _origin(url):
                    return CallResult(
                        False, response.status_code, f"redirect to another host refused: {location}"[:1000], False
                    )
                target = location
                continue
            if 200 <= response.status_code < 300:
                return CallResult(True, response.status_code, "")
            text = f"HTTP {response.status_code}: {response.text[:300]}"
            temporary = response.status_code >= 500 or response.status_code in (408, 429)
            return CallResult(False, response.status_code, text, temporary)
    return CallResult(False, None, "too many redirects", False)

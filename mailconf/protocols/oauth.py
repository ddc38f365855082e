"""App-only OAuth2 access tokens from Azure AD (client-credentials grant) through msal.

No person signs in: the application's own id and secret buy a token for the `.default` scope of the
resource (Graph or Exchange Online). Caching and refreshing belong to the caller, which stores the
token encrypted and asks again shortly before it expires.

msal and requests are imported when a token is asked for: this module is imported at every
start-up (the connections' token provider), by workers that may never need a token.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from .errors import Reason, TransportError

if TYPE_CHECKING:
    import requests

DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com"
# Errors that another attempt with the same settings cannot fix.
_PERMANENT_ERRORS = frozenset({"invalid_client", "unauthorized_client", "invalid_request", "invalid_scope"})


@dataclass(frozen=True)
class OAuthConfig:
    tenant_id: str
    client_id: str
    client_secret: str
    scope: str
    authority_host: str = DEFAULT_AUTHORITY_HOST
    ca_file: str | None = None
    timeout: float = 30.0


@dataclass(frozen=True)
class AccessToken:
    token: str
    expires_at: datetime


def _http_client(cfg: OAuthConfig) -> requests.Session:
    from .https import trusting_session

    session = trusting_session(cfg.ca_file or True)
    session.request = functools.partial(session.request, timeout=cfg.timeout)  # type: ignore[method-assign]
    return session


def acquire_app_token(cfg: OAuthConfig) -> AccessToken:
    """A fresh token for `cfg.scope`; TransportError (without the secret) if Azure AD refuses."""
    if not (cfg.tenant_id and cfg.client_id and cfg.client_secret):
        raise TransportError(
            "OAuth2 needs the application id, the directory id and the client secret.", True, reason=Reason.CONFIG
        )
    import msal
    import requests

    authority = f"{cfg.authority_host.rstrip('/')}/{cfg.tenant_id}"
    try:
        app = msal.ConfidentialClientApplication(
            cfg.client_id,
            client_credential=cfg.client_secret,
            authority=authority,
            validate_authority=False,
            instance_discovery=False,
            http_client=_http_client(cfg),
        )
        result = app.acquire_token_for_client(scopes=[cfg.scope])
    except requests.RequestException as exc:
        raise TransportError(
            f"cannot reach the token service {authority}: {type(exc).__name__}", reason=Reason.TOKEN
        ) from None
    except ValueError as exc:
        # msal raises ValueError when the authority's discovery document is missing or unusable.
        raise TransportError(f"token service {authority}: {exc}", reason=Reason.TOKEN) from None
    if "access_token" not in result:
        error = str(result.get("error", "unknown_error"))
        description = str(result.get("error_description", "")).splitlines()[0:1]
        raise TransportError(
            f"the token service refused: {error} {' '.join(description)}".strip(),
            permanent=error in _PERMANENT_ERRORS,
            reason=Reason.TOKEN,
        )
    expires_in = int(result.get("expires_in", 3600))
    return AccessToken(token=result["access_token"], expires_at=datetime.now(UTC) + timedelta(seconds=expires_in))

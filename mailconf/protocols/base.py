"""What every protocol is built from: the connection settings in one neutral shape, and tokens.

The caller (the `connections` package) fills one `ConnectionSettings` from a stored connection,
whatever its protocol; each protocol's typed config picks the fields it uses in `from_settings`.
So no code outside this package needs to know which protocol reads which field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import Reason, TransportError

TokenProvider = Callable[[], str]
FolderParts = list[str]

DEFAULT_TIMEOUT = 30.0
DEFAULT_GRAPH_URL = "https://graph.microsoft.com"
# The resources app-only tokens are asked for (the `.default` scope of each).
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
EXCHANGE_SCOPE = "https://outlook.office365.com/.default"


@dataclass(frozen=True)
class ConnectionSettings:
    """A connection's settings as the protocols see them (no Django, no secrets at rest).

    ``oauth2`` means: authenticate with ``token_provider`` (XOAUTH2 for SMTP/IMAP/POP3, a bearer
    token for EWS and Graph); ``password`` is then empty. ``from_address`` is the mailbox mail is
    sent from (outgoing). Folder paths are lists of path components (see `incoming.parse_folder_list`).
    """

    host: str = ""
    port: int | None = None
    encryption: str = "ssl"
    verify_certificate: bool = True
    ca_file: str | None = None
    auth: bool = False
    login: str = ""
    password: str = field(default="", repr=False)
    oauth2: bool = False
    token_provider: TokenProvider | None = field(default=None, repr=False)
    ews_url: str = ""
    graph_base_url: str = DEFAULT_GRAPH_URL
    from_address: str = ""
    timeout: float = DEFAULT_TIMEOUT
    allow_port_25: bool = False
    local_hostname: str | None = None
    folders: list[FolderParts] = field(default_factory=list)
    processed_folder: FolderParts | None = None
    error_folder: FolderParts | None = None
    max_message_bytes: int | None = None
    # How long one IMAP IDLE round waits before it is re-issued (the server reports new mail when
    # IDLE starts, so this bounds how late an announcement the server delays can be seen).
    idle_recheck_seconds: float = 8 * 60


@dataclass(frozen=True)
class CheckReport:
    """What a successful check proved, for the person who pressed "Check": the server reached
    (host:port or URL), whether the session was encrypted (TLS, STARTTLS or HTTPS) and the
    certificate verified, and whether a login was made (an SMTP relay may need none)."""

    server: str
    encrypted: bool
    certificate_verified: bool
    authenticated: bool
    login: str = ""
    oauth2: bool = False


def fetch_token(provider: TokenProvider | None) -> str:
    """A current access token from `provider`, every failure mapped onto TransportError."""
    if provider is None:
        raise TransportError(
            "OAuth2 is enabled but no access token provider is configured", permanent=True, reason=Reason.TOKEN
        )
    try:
        token = provider()
    except TransportError:
        raise
    except Exception as exc:  # a provider may raise anything (msal, requests, ...); keep its text
        raise TransportError(
            f"could not obtain an OAuth2 access token: {exc}", permanent=False, reason=Reason.TOKEN
        ) from exc
    if not token:
        raise TransportError("the OAuth2 token provider returned no access token", permanent=True, reason=Reason.TOKEN)
    return token

"""Mail settings read from Django settings, with the defaults in one place (listed in .env.example)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Lift the port-25 ban for on-premises relays (cloud platforms block it).
    "MAIL_ALLOW_PORT_25": False,
    # Temporary failures are retried with exponential backoff for this long, as mail servers do.
    "MAIL_RETRY_DAYS": 3.0,
    "MAIL_RETRY_BASE_SECONDS": 60,
    "MAIL_RETRY_MAX_SECONDS": 3600,
    # A worker's claim on a batch; after it passes, a killed worker's rows are due again.
    "MAIL_LEASE_SECONDS": 300,
    "MAIL_BATCH_SIZE": 200,
    "MAIL_TIMEOUT": 30.0,
    # Extra CA bundle trusted for SMTP, Graph and the token service (private PKI, tests).
    "MAIL_CA_FILE": "",
    "MAIL_OAUTH_AUTHORITY_HOST": "https://login.microsoftonline.com",
    "MAIL_GRAPH_URL": "https://graph.microsoft.com",
    # Domain of our Message-IDs; empty: the domain of the system address, else of SITE_URL.
    "MAIL_MESSAGE_ID_DOMAIN": "",
    "MAIL_OUTBOX_RETENTION_DAYS": 30,
    "MAIL_FAILURE_ALERT_THRESHOLD": 5,
    "MAIL_STUCK_ALERT_MINUTES": 60,
    # A token is renewed this long before it expires.
    "MAIL_TOKEN_REFRESH_MARGIN_SECONDS": 300,
}


def mail_setting(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])

"""Real mail servers for tests: a private Dovecot (IMAP/POP3) and aiosmtpd SMTP servers.

Pytest fixtures wrapping these live in ``servicedesk.testing.fixtures_mail``.
"""

from __future__ import annotations

from .certs import TlsCert, generate_cert
from .dovecot import DEFAULT_USERS, Dovecot, DovecotUnavailable, start_dovecot
from .dovecot_conf import SPECIAL_USE_FOLDERS
from .smtp import DEFAULT_SMTP_USERS, ReceivedMessage, SmtpServer, SmtpServers, start_smtp_servers

__all__ = [
    "DEFAULT_SMTP_USERS",
    "DEFAULT_USERS",
    "SPECIAL_USE_FOLDERS",
    "Dovecot",
    "DovecotUnavailable",
    "ReceivedMessage",
    "SmtpServer",
    "SmtpServers",
    "TlsCert",
    "generate_cert",
    "start_dovecot",
    "start_smtp_servers",
]

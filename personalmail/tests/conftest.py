"""Fixtures of personal-mail tests: employees' mailboxes on the private Dovecot, sending through
the implicit-TLS aiosmtpd server (which files accepted mail into Dovecot), and mail builders."""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import pytest
from imapclient import IMAPClient

from personalmail.models import PersonalMailbox
from personalmail.services.accounts import MailboxSettings, connect_mailbox
from servicedesk.models import User
from servicedesk.testing.mailservers import Dovecot, SmtpServers

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def make_mail(
    subject: str = "Quarterly report",
    body: str = "Please find the report attached.",
    *,
    sender: str = "Анна Клиентова <anna@client.example>",
    to: str = "user1@example.test",
    cc: str = "",
    attachment: tuple[str, bytes] | None = None,
    inline_image: bool = False,
    date: str = "Sun, 22 Nov 2026 08:00:00 +0300",
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="client.example")
    msg["Date"] = date
    msg.set_content(body)
    if inline_image:
        msg.add_alternative(
            f'<p>{body}</p><p><img src="cid:logo@client"><img src="https://tracker.example/pixel.gif"></p>'
            "<script>alert(1)</script>",
            subtype="html",
        )
        msg.get_payload()[1].add_related(PNG, "image", "png", cid="<logo@client>", filename="logo.png")
    if attachment:
        msg.add_attachment(attachment[1], maintype="application", subtype="octet-stream", filename=attachment[0])
    return msg.as_bytes()


@pytest.fixture
def mail_servers(dovecot: Dovecot, smtp: SmtpServers, settings: Any) -> tuple[Dovecot, SmtpServers]:
    """Both servers trusted (the test CA), Dovecot emptied, SMTP users = Dovecot users, and mail the
    SMTP servers accept filed into the recipients' Dovecot inboxes."""
    settings.MAIL_CA_FILE = str(dovecot.cert_path)
    dovecot.reset_all()
    for login, password in dovecot.users.items():
        smtp.add_user(login, password)
    smtp.deliver_to(dovecot)
    return dovecot, smtp


def server_settings(dovecot: Dovecot, smtp: SmtpServers, login: str, **extra: Any) -> MailboxSettings:
    values: dict[str, Any] = {
        "service": "other",
        "email": dovecot.address(login),
        "login": login,
        "password": dovecot.users[login],
        "imap_host": dovecot.host,
        "imap_port": dovecot.imaps_port,
        "imap_encryption": "ssl",
        "smtp_host": smtp.tls.host,
        "smtp_port": smtp.tls.port,
        "smtp_encryption": "ssl",
    }
    values.update(extra)
    return MailboxSettings(**values)


@pytest.fixture
def connect(
    mail_servers: tuple[Dovecot, SmtpServers], django_capture_on_commit_callbacks: Any
) -> Callable[..., PersonalMailbox]:
    """Connect `user` to Dovecot user `login`; the first synchronisation runs (eager Celery)."""
    dovecot, smtp = mail_servers

    def factory(user: User, login: str = "user1", **extra: Any) -> PersonalMailbox:
        with django_capture_on_commit_callbacks(execute=True):
            mailbox = connect_mailbox(user=user, data=server_settings(dovecot, smtp, login, **extra))
        mailbox.refresh_from_db()
        return mailbox

    return factory


def imap_session(dovecot: Dovecot, login: str) -> IMAPClient:
    """Another mail client of the same mailbox (what the employee's phone would be)."""
    client = IMAPClient(dovecot.host, port=dovecot.imap_port, ssl=False)
    client.login(login, dovecot.users[login])
    return client


@pytest.fixture
def employee(cast: Any) -> User:
    return cast.operator.user


@pytest.fixture
def other_employee(cast: Any) -> User:
    return cast.second_line.user

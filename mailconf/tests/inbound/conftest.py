"""Fixtures for intake tests: incoming connections pointed at the private Dovecot, mail builders."""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest

from mailconf.inbound import PollCounts, poll_connection
from mailconf.models import IncomingConnection, ProcessedMessage
from mailconf.models.incoming import DONE_RESULTS, MailResult
from servicedesk.testing.fixtures_mail import Mailbox

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def make_mail(
    sender: str = "kirill@romashka.example",
    subject: str = "Printer is broken",
    body: str = "The printer on floor 3 prints blank pages.",
    *,
    sender_name: str = "",
    message_id: str | None = None,
    in_reply_to: str | None = None,
    headers: dict[str, str] | None = None,
    attachment: tuple[str, bytes] | None = None,
    inline_image: bool = False,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"{sender_name} <{sender}>" if sender_name else sender
    msg["To"] = "support@example.test"
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or make_msgid(domain="client.example")
    msg["Date"] = "Sun, 22 Nov 2026 08:00:00 +0300"
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    if inline_image:
        msg.add_alternative(f'<p>{body}</p><p><img src="cid:logo@client"></p>', subtype="html")
        msg.get_payload()[1].add_related(PNG, "image", "png", cid="<logo@client>", filename="logo.png")
    if attachment:
        msg.add_attachment(attachment[1], maintype="application", subtype="octet-stream", filename=attachment[0])
    return msg.as_bytes()


def maildir_count(mailbox: Mailbox, folder: str = "INBOX") -> int:
    path: Path = mailbox.server.maildir(mailbox.login, folder)
    if not path.exists():
        return 0
    return sum(1 for sub in ("new", "cur") for f in (path / sub).iterdir() if f.is_file())


@pytest.fixture
def mail_ca(settings: pytest.FixtureRequest, dovecot: object) -> None:
    settings.MAIL_CA_FILE = str(dovecot.cert_path)  # type: ignore[attr-defined]


@pytest.fixture
def make_connection(mailbox: Mailbox, mail_ca: None) -> Callable[..., IncomingConnection]:
    """An incoming connection to the test mailbox; protocol and encryption pick the Dovecot port."""

    def factory(protocol: str = "imap", encryption: str = "none", **fields: object) -> IncomingConnection:
        server = mailbox.server
        ports = {
            ("imap", "none"): server.imap_port,
            ("imap", "starttls"): server.imap_port,
            ("imap", "ssl"): server.imaps_port,
            ("pop3", "none"): server.pop3_port,
            ("pop3", "starttls"): server.pop3_port,
            ("pop3", "ssl"): server.pop3s_port,
        }
        conn = IncomingConnection(
            name=fields.pop("name", f"{protocol}-{encryption}"),
            protocol=protocol,
            host=server.host,
            port=ports[(protocol, encryption)],
            encryption=encryption,
            login=mailbox.login,
            **fields,
        )
        conn.password = mailbox.password
        conn.save()
        return conn

    return factory


def poll(conn: IncomingConnection) -> PollCounts:
    counts = poll_connection(conn.pk)
    assert counts is not None, "the connection was locked"
    return counts


def file_everything(
    conn: IncomingConnection, mailbox: Mailbox, delivered: int, polls: int = 20
) -> list[tuple[str, str, str]]:
    """Poll `conn` until its mailbox is empty (bounded: a poll takes a limited batch) and check that
    each of the `delivered` messages has a final mail-log row and sits in the folder its result
    names; returns the (result, reason, subject) rows."""
    for _ in range(polls):
        counts = poll(conn)
        assert not counts.error, counts.error
        if not counts.more:
            break
    logged = list(ProcessedMessage.objects.filter(connection=conn).values_list("result", "reason", "subject"))
    assert maildir_count(mailbox) == 0, "messages left in INBOX"
    assert len(logged) == delivered
    assert not [row for row in logged if row[0] == MailResult.PENDING]
    errors = [row for row in logged if row[0] == MailResult.ERROR]
    assert maildir_count(mailbox, "INBOX/Errors") == len(errors)
    assert maildir_count(mailbox, "INBOX/Processed") == sum(1 for row in logged if row[0] in DONE_RESULTS)
    return logged

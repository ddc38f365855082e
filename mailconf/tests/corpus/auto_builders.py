"""Builders for the automatic-mail corpus (corpus/automatic/): bounces of many MTAs, auto-replies,
list-server notices, abuse reports, and human mail that must stay human.

Every sample is one of the shapes MTAs really send: an RFC 3464 ``multipart/report`` (Postfix,
Exchange, Gmail, Yandex...), ``multipart/mixed`` with the returned message attached (Exim with
some options, Lotus Domino, Japanese carriers) or plain text with the returned headers quoted
(qmail, Yahoo, old Sendmail). Header sets follow each MTA; ``Return-Path: <>`` is written only on
some samples, because mail moved between mailboxes, exported, or collected by a forwarder has
lost it, and the classifier must not depend on it.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

from mailconf.tests.corpus.builders import ew, headers, message, multipart, part

AUTOMATIC: dict[str, tuple[bytes, str]] = {}
KINDS = ("bounce", "auto_reply", "list_notice", "feedback_report", "human")
OUR_ADDRESS = "support@servicedesk.example"


def add(name: str, raw: bytes, kind: str) -> None:
    assert kind in KINDS and name not in AUTOMATIC, name
    AUTOMATIC[name] = (raw, kind)


def original(number: int, recipient: str, subject: str = "") -> bytes:
    """One of our notifications, as it comes back inside a bounce."""
    subject = subject or f"[#{number}] Ваша заявка зарегистрирована"
    return (
        headers(
            f"From: Service Desk <{OUR_ADDRESS}>",
            f"To: {recipient}",
            f"Subject: {ew(subject)}",
            "Date: Mon, 23 Nov 2026 09:00:00 +0300",
            f"Message-ID: <notify-{number}-1@servicedesk.example>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "X-Servicedesk-Origin: servicedesk.example",
        )
        + f"\n\nЗаявка №{number} зарегистрирована.\n".encode()
    )


@dataclass
class Bounce:
    """A delivery-status notice; ``shape`` is "report", "mixed" or "plain"."""

    sender: str
    subject: str
    text: str
    recipient: str = "gone@client.example"
    status: str = "5.1.1"
    diagnostic: str = "smtp; 550 5.1.1 <gone@client.example>: Recipient address rejected: User unknown"
    shape: str = "report"
    mta: str = "mx.client.example"
    extra: tuple[str, ...] = ()
    return_path: bool = False
    charset: str = "utf-8"
    crlf: bool = False
    action: str = "failed"
    headers_only: bool = False  # returned part: text/rfc822-headers instead of the whole message
    number: int = field(default=0)

    def build(self, name: str) -> bytes:
        number = self.number or 2000 + len(AUTOMATIC)
        returned = original(number, self.recipient)
        head = [
            f"From: {self.sender}",
            f"To: {OUR_ADDRESS}",
            f"Subject: {self.subject}",
            "Date: Mon, 23 Nov 2026 09:00:05 +0300",
            f"Message-ID: <{zlib.crc32(name.encode())}.{number}@{self.mta}>",
            "MIME-Version: 1.0",
        ]
        if self.return_path:
            head.insert(0, "Return-Path: <>")
        head += list(self.extra)
        text = self.text.encode(self.charset)
        text_part = part(f"Content-Type: text/plain; charset={self.charset}\nContent-Transfer-Encoding: 8bit", text)
        if self.shape == "plain":
            head += [f"Content-Type: text/plain; charset={self.charset}", "Content-Transfer-Encoding: 8bit"]
            body = text + b"\n\n--- Below this line is a copy of the message.\n\n" + returned
        elif self.shape == "mixed":
            head.append('Content-Type: multipart/mixed; boundary="bnd-mixed"')
            body = multipart("bnd-mixed", [text_part, part("Content-Type: message/rfc822", returned)])
        else:
            head.append('Content-Type: multipart/report; report-type=delivery-status; boundary="bnd-report"')
            dsn = (
                f"Reporting-MTA: dns; {self.mta}\nArrival-Date: Mon, 23 Nov 2026 09:00:01 +0300\n\n"
                f"Final-Recipient: rfc822; {self.recipient}\nOriginal-Recipient: rfc822;{self.recipient}\n"
                f"Action: {self.action}\nStatus: {self.status}\nDiagnostic-Code: {self.diagnostic}\n"
            )
            if self.headers_only:
                back = part("Content-Type: text/rfc822-headers", returned.split(b"\n\n", 1)[0] + b"\n")
            else:
                back = part("Content-Type: message/rfc822", returned)
            body = multipart(
                "bnd-report",
                [text_part, part("Content-Type: message/delivery-status", dsn.encode()), back],
            )
        return message(headers(*head), body, crlf=self.crlf)


def bounce(name: str, **fields: object) -> None:
    add(name, Bounce(**fields).build(name), "bounce")  # type: ignore[arg-type]


def simple(
    name: str,
    kind: str,
    *,
    sender: str,
    subject: str,
    text: str,
    extra: tuple[str, ...] = (),
    charset: str = "utf-8",
    crlf: bool = False,
    to: str = OUR_ADDRESS,
) -> None:
    """A one-part message: auto-replies, list notices and human mail."""
    head = [
        f"From: {sender}",
        f"To: {to}",
        f"Subject: {subject}",
        "Date: Mon, 23 Nov 2026 09:10:00 +0300",
        f"Message-ID: <{zlib.crc32(name.encode())}.{len(AUTOMATIC)}@mail.example>",
        "MIME-Version: 1.0",
        f"Content-Type: text/plain; charset={charset}",
        "Content-Transfer-Encoding: 8bit",
        *extra,
    ]
    add(name, message(headers(*head), text.encode(charset), crlf=crlf), kind)

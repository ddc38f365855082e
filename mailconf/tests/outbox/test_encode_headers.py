"""Headers round-trip exactly: any Unicode, any length, spaces kept, and no value can add a header line."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.utils import getaddresses

import pytest

from mailconf.outbox import enqueue_mail_many
from mailconf.outbox.mime import MessageSpec, OutgoingAttachment, build_message, make_message_id

RUSSIAN = "Комментарий к заявке №1234: не печатает принтер в бухгалтерии, третий этаж — срочно! "
OWN_HEADERS = {
    "from",
    "to",
    "reply-to",
    "subject",
    "date",
    "message-id",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "x-ticket",
}


def spec(**overrides) -> MessageSpec:
    values = {
        "from_address": "desk@example.test",
        "sender_name": "Служба поддержки",
        "to": ["ivan@example.test"],
        "subject": "s",
        "text": "t",
        "message_id": make_message_id("example.test"),
        "date": datetime(2026, 3, 1, 12, 30, tzinfo=UTC),
        "reply_to": "help@example.test",
    }
    values.update(overrides)
    return MessageSpec(**values)


def header_lines(raw: bytes) -> list[bytes]:
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert b"\r" not in head.replace(b"\r\n", b"") and b"\n" not in head.replace(b"\r\n", b"")
    return head.split(b"\r\n")


def decoded_compat(raw: bytes, name: str) -> str:
    """The header as an RFC 2047 decoder reads it: unfold, then email.header.decode_header."""
    value = email.message_from_bytes(raw)[name]
    return str(make_header(decode_header("".join(value.splitlines()))))


def subjects() -> list[str]:
    """Lengths 1..300 cut from Russian text at shifting offsets, so spaces fall everywhere."""
    text = RUSSIAN * 6
    result = []
    for length in range(1, 301):
        offset = length % len(RUSSIAN)
        value = text[offset : offset + length].strip()
        if value:
            result.append(value)
    return result


def test_russian_subjects_of_every_length_round_trip_exactly() -> None:
    for subject in subjects():
        raw = build_message(spec(subject=subject))
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert parsed["Subject"] == subject, subject
        assert decoded_compat(raw, "Subject") == subject, subject
        assert all(len(line) <= 78 for line in header_lines(raw)), subject


@pytest.mark.parametrize(
    "subject",
    [
        "заявке №1 " * 40 + "конец",
        "两个  空格 和 中文标题 " * 20 + "完",
        "Emoji 👩‍👩‍👧‍👦 family 🇷🇺 flag é́ combining " * 8 + "🙂",
        "Latin words only, long enough to fold across several lines of a header, " * 5 + "end",
        "Double  spaces   inside and =?utf-8?q?not_an_encoded_word?= literal",
        "x" * 990,
        "Re: [#12] " + "Ё" * 500,
    ],
)
def test_unicode_and_long_subjects_round_trip(subject: str) -> None:
    raw = build_message(spec(subject=subject))
    assert email.message_from_bytes(raw, policy=email.policy.default)["Subject"] == subject
    assert decoded_compat(raw, "Subject") == subject
    assert raw.isascii() and all(len(line) <= 998 for line in raw.split(b"\r\n"))


NAMES = [
    'Иван "Ваня" Петров, бухгалтерия',
    'Bob "the" \\ builder, Jr.',
    "O'Brien; <admin@evil.test>",
    "=?utf-8?b?0JjQstCw0L0=?= literal",
    "Служба поддержки ООО «Ромашка» " * 6 + "конец",
    "李小龍 👍",
]


@pytest.mark.parametrize("name", NAMES)
def test_display_names_round_trip_exactly(name: str) -> None:
    raw = build_message(spec(sender_name=name, names={"ivan@example.test": name}))
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    for field in ("From", "To"):
        (address,) = parsed[field].addresses
        assert address.display_name == name
        ((compat_name, addr),) = getaddresses(["".join(email.message_from_bytes(raw)[field].splitlines())])
        assert str(make_header(decode_header(compat_name))) == name
        assert addr in ("desk@example.test", "ivan@example.test")


def test_cyrillic_names_of_every_length_round_trip() -> None:
    for length in range(1, 301, 7):
        name = (RUSSIAN * 4)[length % 11 : length % 11 + length].strip() or "Я"
        raw = build_message(spec(names={"ivan@example.test": name}, to=["ivan@example.test", "b@example.test"]))
        first, second = email.message_from_bytes(raw, policy=email.policy.default)["To"].addresses
        assert (first.display_name, first.addr_spec, second.addr_spec) == (name, "ivan@example.test", "b@example.test")


INJECTIONS = [
    "x\r\nBcc: evil@attacker.test",
    "x\nBcc: evil@attacker.test",
    "x\rBcc: evil@attacker.test",
    "x\x00\r\n\r\nBody: smuggled",
    "x\u2028Bcc: evil@attacker.test",
    "x\x85Bcc: evil@attacker.test",
    "Длинная тема\r\nBcc: evil@attacker.test " + "ы" * 100,
]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_no_value_can_add_a_header_line(payload: str) -> None:
    attachment = OutgoingAttachment(payload, b"data", "text/plain\r\nBcc: evil@attacker.test")
    raw = build_message(
        spec(
            subject=payload,
            sender_name=payload,
            names={"ivan@example.test": payload},
            headers={"X-Ticket": payload},
            attachments=[attachment],
        )
    )
    starts = {line.split(b":", 1)[0].decode().lower() for line in header_lines(raw) if not line.startswith(b" ")}
    assert starts == OWN_HEADERS - {"content-transfer-encoding"}, "a multipart root has no transfer encoding"
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Bcc"] is None and parsed["Body"] is None
    (part,) = parsed.iter_attachments()
    assert part.get_content_type() == "application/octet-stream" and "Bcc" not in part, "bad type refused"
    assert "\n" not in parsed["Subject"] and "\x00" not in parsed["Subject"]


def test_bodies_are_crlf_utf8_with_short_lines() -> None:
    text = "Строка\r\nвторая\rтретья " + "очень длинная " * 200 + "\n.\nFrom the end "
    raw = build_message(spec(text=text, html="<p>" + "Привет " * 300 + "</p>"))
    assert all(len(line) <= 998 for line in raw.split(b"\r\n")) and b"\n" not in raw.replace(b"\r\n", b"")
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    plain = parsed.get_body(preferencelist=("plain",)).get_content()
    assert plain.replace("\r\n", "\n") == text.replace("\r\n", "\n").replace("\r", "\n") + "\n"
    assert parsed.get_body(preferencelist=("html",)).get_content().startswith("<p>Привет Привет")


def test_long_attachment_names_use_rfc2231_continuations() -> None:
    name = "Акт сверки взаимных расчётов за первый квартал 2026 года (подписан).pdf"
    raw = build_message(spec(attachments=[OutgoingAttachment(name, b"%PDF", "")]))
    assert b"filename*0*=utf-8''" in raw and all(len(line) <= 78 for line in header_lines(raw))
    (part,) = email.message_from_bytes(raw, policy=email.policy.default).iter_attachments()
    assert part.get_filename() == name and part.get_content_type() == "application/pdf"


@pytest.mark.django_db
def test_received_subject_is_exact(outgoing, smtp, django_capture_on_commit_callbacks) -> None:
    outgoing(notify_unregistered=True)
    subject = "[#1] Комментарий к заявке №1: " + "не печатает принтер " * 6
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_mail_many([{"to": ["Анна Иванова <anna@example.test>"], "subject": subject, "text": "t"}])
    (received,) = smtp.plain.wait_for_messages(1)
    assert received.parsed()["Subject"] == subject.strip()
    assert received.parsed()["To"].addresses[0].display_name == "Анна Иванова"

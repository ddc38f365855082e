"""Messages are RFC 5322: ids, dates, encoded names, alternatives, RFC 2231 names, threading."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC, datetime

import pytest

from mailconf.outbox.mime import (
    InvalidAddress,
    MessageSpec,
    OutgoingAttachment,
    build_message,
    make_message_id,
    parse_address,
)


def spec(**overrides) -> MessageSpec:
    values = {
        "from_address": "desk@example.test",
        "sender_name": "Служба поддержки",
        "to": ["ivan@example.test"],
        "subject": "Заявка [#12]: принтер не печатает",
        "text": "Здравствуйте!\nЗаявка принята.",
        "message_id": make_message_id("example.test"),
        "date": datetime(2026, 3, 1, 12, 30, tzinfo=UTC),
        "reply_to": "help@example.test",
        "names": {"ivan@example.test": "Иван Петров"},
    }
    values.update(overrides)
    return MessageSpec(**values)


def parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_headers_and_utf8_display_names() -> None:
    raw = build_message(spec(auto_submitted=True))
    assert raw.isascii(), "headers and bodies are 7-bit encoded"
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    msg = parse(raw)
    assert msg["From"].addresses[0].display_name == "Служба поддержки"
    assert msg["From"].addresses[0].addr_spec == "desk@example.test"
    assert msg["To"].addresses[0].display_name == "Иван Петров"
    assert msg["Subject"] == "Заявка [#12]: принтер не печатает"
    assert msg["Reply-To"].addresses[0].addr_spec == "help@example.test"
    assert msg["Message-ID"].endswith("@example.test>")
    assert msg["Date"].datetime == datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    assert msg["Auto-Submitted"] == "auto-generated"


def test_reply_is_not_marked_automatic() -> None:
    assert parse(build_message(spec(auto_submitted=False)))["Auto-Submitted"] is None


def test_text_and_html_alternatives_and_rfc2231_attachment_name() -> None:
    att = OutgoingAttachment("отчёт за март.pdf", b"%PDF-1.4 body", "application/pdf")
    raw = build_message(spec(html="<p>Заявка <b>принята</b></p>", attachments=[att]))
    msg = parse(raw)
    assert msg.get_content_type() == "multipart/mixed"
    body = msg.get_body(preferencelist=("plain",))
    assert "Заявка принята." in body.get_content()
    assert "<b>принята</b>" in msg.get_body(preferencelist=("html",)).get_content()
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == "отчёт за март.pdf"
    # RFC 2231: charset-tagged, percent-encoded, possibly split into numbered continuations.
    assert re.search(rb"filename\*(0\*)?=utf-8''%D0%BE%D1%82%D1%87%D1%91%D1%82", raw)
    assert attachment.get_content() == b"%PDF-1.4 body"


def test_threading_headers() -> None:
    msg = parse(build_message(spec(in_reply_to="<b@example.test>", references=["<a@example.test>", "junk"])))
    assert msg["In-Reply-To"] == "<b@example.test>"
    assert msg["References"].split() == ["<a@example.test>", "<b@example.test>"]


def test_message_ids_are_unique_and_on_our_domain() -> None:
    ids = {make_message_id("desk.example.test") for _ in range(100)}
    assert len(ids) == 100 and all(i.endswith("@desk.example.test>") for i in ids)


INJECTIONS = [
    "x\r\nBcc: evil@attacker.test",
    "x\nBcc: evil@attacker.test",
    "x\rBcc: evil@attacker.test",
    "x\u2028Bcc: evil@attacker.test",
]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_no_header_injection_through_subject_names_or_extra_headers(payload: str) -> None:
    raw = build_message(
        spec(subject=payload, sender_name=payload, names={"ivan@example.test": payload}, headers={"X-Ticket": payload})
    )
    msg = parse(raw)
    assert msg["Bcc"] is None
    assert b"\r\nBcc:" not in raw and b"\nBcc:" not in raw
    header_names = [name.lower() for name in msg.keys()]
    assert header_names.count("bcc") == 0 and header_names.count("subject") == 1


@pytest.mark.parametrize(
    "payload",
    [
        *INJECTIONS,
        "a@example.test\r\nBcc: evil@attacker.test",
        "a@example.test, evil@attacker.test",
        "not an address",
        "",
    ],
)
def test_addresses_with_line_breaks_or_several_parts_are_refused(payload: str) -> None:
    with pytest.raises(InvalidAddress):
        parse_address(payload)


def test_address_forms_accepted() -> None:
    assert parse_address("Иван <ivan@пример.рф>") == ("Иван", "ivan@xn--e1afmkfd.xn--p1ai")
    assert parse_address(" plain@example.test ") == ("", "plain@example.test")


def test_extra_header_cannot_override_ours() -> None:
    with pytest.raises(ValueError):
        build_message(spec(headers={"From": "ceo@example.test"}))
    with pytest.raises(ValueError):
        build_message(spec(headers={"X-Bad\r\nBcc": "x"}))

"""Auto-replies, bulk mail, bounces and our own looping mail are flagged with a reason."""

from __future__ import annotations

import pytest

from mailconf.parsing import ORIGIN_HEADER, parse_message

from .helpers import raw_message


@pytest.mark.parametrize(
    "header",
    [
        "Auto-Submitted: auto-replied",
        "Auto-Submitted: auto-generated; owner-email=x@y",
        "X-Autoreply: yes",
        "X-Autorespond: 1",
        "X-Auto-Response-Suppress: All",
        "Precedence: bulk",
        "Precedence: junk",
        "Precedence: list",
        "Precedence: auto_reply",
    ],
)
def test_auto_reply_headers(header: str) -> None:
    parsed = parse_message(raw_message("Subject: Hello", header))
    assert parsed.is_auto_reply and parsed.auto_reason
    assert not parsed.is_bounce


@pytest.mark.parametrize(
    "subject",
    [
        "Out of Office: [#5] Printer",
        "Automatic reply: Printer",
        "Автоответ: Re: Принтер",
        "Нет на месте: Принтер",
        "Автоматический ответ: [#5]",
        "AutoReply: hello",
    ],
)
def test_vacation_subjects(subject: str) -> None:
    parsed = parse_message(raw_message(f"Subject: {subject}"))
    assert parsed.is_auto_reply and parsed.auto_reason == "vacation subject"


def test_ordinary_mail_is_not_noise() -> None:
    parsed = parse_message(
        raw_message("Subject: Office chair is broken", "Auto-Submitted: no", "Return-Path: <ivan@example.com>")
    )
    assert not (parsed.is_auto_reply or parsed.is_bounce or parsed.is_bulk or parsed.is_own_loop or parsed.is_noise)
    assert parsed.auto_reason == ""


def test_list_headers_mark_bulk_but_not_auto_reply() -> None:
    parsed = parse_message(
        raw_message("Subject: x", "List-Id: <support.corp.example>", "List-Unsubscribe: <mailto:u@corp.example>")
    )
    assert parsed.is_bulk and not parsed.is_auto_reply


def test_own_origin_header_marks_loop() -> None:
    assert ORIGIN_HEADER == "X-Servicedesk-Origin"
    parsed = parse_message(raw_message("Subject: [#5] Updated", f"{ORIGIN_HEADER}: desk-1"))
    assert parsed.is_own_loop and parsed.is_noise and ORIGIN_HEADER in parsed.auto_reason


@pytest.mark.parametrize(
    "sender",
    ["MAILER-DAEMON@mx.example.com", "Mail Delivery System <mailer-daemon@x.example>", "postmaster@corp.example"],
)
def test_bounce_by_sender(sender: str) -> None:
    parsed = parse_message(
        raw_message(
            f"From: {sender}", "Subject: Undeliverable", body=b"<gone@corp.example>:\nmailbox unavailable (#5.1.1)\n"
        )
    )
    assert parsed.is_bounce
    assert parsed.bounce is not None
    assert [(r.address, r.status) for r in parsed.bounce.failed_recipients] == [("gone@corp.example", "5.1.1")]


def test_null_return_path_without_auto_headers_is_a_bounce() -> None:
    parsed = parse_message(raw_message("Return-Path: <>", "Subject: Returned mail", "X-Failed-Recipients: a@b.example"))
    assert parsed.is_bounce
    parsed = parse_message(raw_message("Return-Path: <>", "Subject: hello"))
    assert parsed.is_bounce and parsed.auto_reason == "null Return-Path"


def test_null_return_path_on_auto_reply_is_not_a_bounce() -> None:
    parsed = parse_message(raw_message("Return-Path: <>", "Auto-Submitted: auto-replied", "Subject: Away"))
    assert parsed.is_auto_reply and not parsed.is_bounce


def test_delivery_status_report_gives_recipients_and_original_id() -> None:
    body = (
        b"--r\nContent-Type: text/plain\n\nDelivery failed.\n--r\nContent-Type: message/delivery-status\n\n"
        b"Reporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; One@X.example\nAction: failed\nStatus: 5.1.1\n"
        b"Diagnostic-Code: smtp; 550 no such user\n\nFinal-Recipient: rfc822;two@x.example\nAction: delayed\n"
        b"Status: 4.4.7\n\nFinal-Recipient: rfc822;three@x.example\nAction: delivered\nStatus: 2.0.0\n"
        b"--r\nContent-Type: text/rfc822-headers\n\nFrom: desk@x.example\nMessage-ID: <out-77@desk.example>\n--r--\n"
    )
    parsed = parse_message(
        raw_message(
            "From: Mail System <bounces@mx.example>",
            "Subject: Delivery failure",
            'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
            body=body,
        )
    )
    assert parsed.is_bounce and parsed.bounce is not None
    assert [(r.address, r.action, r.status) for r in parsed.bounce.recipients] == [
        ("one@x.example", "failed", "5.1.1"),
        ("two@x.example", "delayed", "4.4.7"),
        ("three@x.example", "delivered", "2.0.0"),
    ]
    assert [r.address for r in parsed.bounce.failed_recipients] == ["one@x.example"]
    assert parsed.bounce.recipients[0].diagnostic == "smtp; 550 no such user"
    assert parsed.bounce.original_message_id == "out-77@desk.example"
    assert parsed.text == "Delivery failed."
    assert parsed.attachments == []

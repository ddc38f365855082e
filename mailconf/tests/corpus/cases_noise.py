"""Corpus: bounces, auto-replies, lists, loops, and broken identity headers."""

from __future__ import annotations

from mailconf.tests.corpus.builders import (
    ew,
    headers,
    message,
    multipart,
    part,
)
from mailconf.tests.corpus.registry import case, std


def noise() -> None:
    dsn = (
        "Reporting-MTA: dns; mx.servicedesk.example\n\n"
        "Final-Recipient: rfc822; nobody@corp.example\nAction: failed\nStatus: 5.1.1\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <nobody@corp.example>: Recipient address rejected\n"
    )
    body = multipart(
        "dsn",
        [
            part(
                "Content-Type: text/plain; charset=us-ascii",
                b"This is the mail system at host mx.servicedesk.example.\n\n"
                b"I'm sorry to have to inform you that your message could not be delivered.",
            ),
            part("Content-Type: message/delivery-status", dsn.encode()),
            part(
                "Content-Type: text/rfc822-headers",
                b"From: support@servicedesk.example\nTo: nobody@corp.example\n"
                b"Subject: [#1013] Notification\nMessage-ID: <notify-1013-1@servicedesk.example>\n",
            ),
        ],
    )
    case(
        "bounce_postfix",
        message(
            headers(
                *std(
                    "Undelivered Mail Returned to Sender",
                    "MAILER-DAEMON@mx.servicedesk.example (Mail Delivery System)",
                    ctype='multipart/report; report-type=delivery-status; boundary="dsn"',
                    extra=("Return-Path: <>", "Auto-Submitted: auto-replied"),
                )
            ),
            body,
        ),
        subject="Undelivered Mail Returned to Sender",
        bounce=True,
        auto_reply=True,
        bounce_failed=[["nobody@corp.example", "5.1.1"]],
        bounce_original_id="notify-1013-1@servicedesk.example",
    )
    original = message(
        headers(
            "From: support@servicedesk.example",
            "To: gone@corp.example",
            "Subject: [#1014] Update",
            "Message-ID: <notify-1014-2@servicedesk.example>",
        ),
        b"Update.",
    )
    dsn = (
        "Reporting-MTA: dns;EXCH01.corp.example\n\nFinal-recipient: RFC822; gone@corp.example\nAction: failed\n"
        "Status: 5.1.10\nDiagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found\n"
    )
    body = multipart(
        "ex",
        [
            part(
                "Content-Type: text/plain; charset=utf-8",
                "Не удалось доставить сообщение следующим получателям:\n\ngone@corp.example\n".encode(),
            ),
            part("Content-Type: message/delivery-status", dsn.encode()),
            part("Content-Type: message/rfc822", original),
        ],
    )
    case(
        "bounce_exchange",
        message(
            headers(
                *std(
                    "Не удается доставить: [#1014] Update",
                    "Microsoft Outlook <postmaster@corp.example>",
                    ctype='multipart/report; report-type="delivery-status"; boundary="ex"',
                    extra=(
                        "X-MS-Exchange-Message-Is-Ndr:",
                        "Auto-Submitted: auto-replied",
                        "X-Auto-Response-Suppress: All",
                    ),
                )
            ),
            body,
            crlf=True,
        ),
        subject="Не удается доставить: [#1014] Update",
        bounce=True,
        auto_reply=True,
        bounce_failed=[["gone@corp.example", "5.1.10"]],
        bounce_original_id="notify-1014-2@servicedesk.example",
        attachments=["[#1014] Update.eml"],
    )
    dsn = (
        "Reporting-MTA: dns; googlemail.com\n\nFinal-Recipient: rfc822; typo@gmial.com\nAction: failed\nStatus: 4.4.1\n"
    )
    body = multipart(
        "gm",
        [
            part(
                "Content-Type: text/plain; charset=UTF-8", b"** Address not found **\n\nYour message wasn't delivered."
            ),
            part("Content-Type: message/delivery-status", dsn.encode()),
            part("Content-Type: text/rfc822-headers", b"Message-ID: <notify-1015-1@servicedesk.example>\nSubject: x\n"),
        ],
    )
    case(
        "bounce_gmail",
        message(
            headers(
                *std(
                    "Delivery Status Notification (Failure)",
                    "Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
                    ctype='multipart/report; report-type=delivery-status; boundary="gm"',
                    extra=("X-Failed-Recipients: typo@gmial.com",),
                )
            ),
            body,
        ),
        subject="Delivery Status Notification (Failure)",
        bounce=True,
        bounce_failed=[["typo@gmial.com", "4.4.1"]],
        bounce_original_id="notify-1015-1@servicedesk.example",
    )
    qmail = (
        "Hi. This is the qmail-send program at mail.example.net.\nI'm afraid I wasn't able to deliver your message.\n\n"
        "<olduser@example.net>:\nSorry, no mailbox here by that name. (#5.1.1)\n\n--- Below this line is a copy.\n\n"
        "Message-ID: <notify-1016-3@servicedesk.example>\nSubject: [#1016] Status\n"
    )
    case(
        "bounce_qmail_plain",
        message(headers(*std("failure notice", "MAILER-DAEMON@mail.example.net")), qmail.encode()),
        subject="failure notice",
        bounce=True,
        bounce_failed=[["olduser@example.net", "5.1.1"]],
        bounce_original_id="notify-1016-3@servicedesk.example",
    )
    case(
        "autoreply_exchange_ru",
        message(
            headers(
                *std(
                    "Автоматический ответ: [#1017] Заявка принята",
                    "Иванов <ivanov@corp.example>",
                    extra=("X-Auto-Response-Suppress: All", "Auto-Submitted: auto-generated", "Thread-Topic: [#1017]"),
                )
            ),
            "Я в отпуске до 30 ноября.".encode(),
            crlf=True,
        ),
        subject="Автоматический ответ: [#1017] Заявка принята",
        auto_reply=True,
        ticket=1017,
    )
    case(
        "autoreply_yandex",
        message(
            headers(
                *std(
                    f"{ew('Автоответ')}: Re: [#1018]",
                    "Олег <oleg@yandex.ru>",
                    extra=("Auto-Submitted: auto-replied", "Return-Path: <>"),
                    mid=None,
                )
            ),
            "Я нет на месте.".encode(),
        ),
        subject="Автоответ: Re: [#1018]",
        auto_reply=True,
        ticket=1018,
        synthesized_id=True,
    )
    case(
        "autoreply_subject_only",
        message(headers(*std("Out of Office: [#1019] Printer", "Bob <bob@corp.example>")), b"I am out until Monday."),
        subject="Out of Office: [#1019] Printer",
        auto_reply=True,
    )
    case(
        "mailing_list",
        message(
            headers(
                *std(
                    "[it-news] Maintenance tonight",
                    "List <news@lists.example>",
                    extra=(
                        "List-Id: IT news <it-news.lists.example>",
                        "List-Unsubscribe: <mailto:leave@lists.example>",
                        "Precedence: list",
                    ),
                )
            ),
            b"Maintenance tonight from 22:00.",
        ),
        subject="[it-news] Maintenance tonight",
        bulk=True,
        auto_reply=True,
    )
    case(
        "google_group_customer",
        message(
            headers(
                *std(
                    "Printer on 3rd floor",
                    "Customer <c@client.example>",
                    extra=("List-Id: <support.corp.example>", "Mailing-list: list support@corp.example"),
                )
            ),
            b"It jams.",
        ),
        subject="Printer on 3rd floor",
        bulk=True,
        auto_reply=False,
        reply_contains=["It jams."],
    )
    case(
        "own_loop",
        message(
            headers(
                *std(
                    "[#1020] Заявка обновлена",
                    "Service Desk <support@servicedesk.example>",
                    extra=("X-Servicedesk-Origin: servicedesk.example",),
                )
            ),
            "Заявка обновлена.".encode(),
        ),
        subject="[#1020] Заявка обновлена",
        own_loop=True,
        ticket=1020,
    )
    mdn = multipart(
        "mdn",
        [
            part("Content-Type: text/plain", b"Your message was read."),
            part(
                "Content-Type: message/disposition-notification",
                b"Final-Recipient: rfc822;a@b.example\nDisposition: manual-action/MDN-sent-manually; displayed\n",
            ),
        ],
    )
    case(
        "read_receipt",
        message(
            headers(
                *std(
                    "Read: [#1021]",
                    "a@b.example",
                    ctype='multipart/report; report-type=disposition-notification; boundary="mdn"',
                )
            ),
            mdn,
        ),
        subject="Read: [#1021]",
        auto_reply=True,
        attachments=[],
    )


def identity() -> None:
    case(
        "garbage_from",
        message(
            headers(
                *std(
                    "Garbage from",
                    '"Ivanov" <IVANOV@X.ru> <other@y.ru>',
                    extra=("Cc: garbage ;;; <<>>, Петров <petrov@y.ru>", "Reply-To: =?utf-8?Q?bad", "To: ,,,"),
                )
            ),
            b"Body.",
        ),
        subject="Garbage from",
        from_="ivanov@x.ru",
        cc=["petrov@y.ru"],
        reply_contains=["Body."],
    )
    case(
        "no_subject",
        message(
            headers(
                "From: a@example.com",
                "To: support@servicedesk.example",
                "Message-ID: <nosubj@example.com>",
                "Content-Type: text/plain",
            ),
            b"No subject here.",
        ),
        subject="",
        from_="a@example.com",
        reply_contains=["No subject here."],
    )
    case(
        "no_from_sender",
        message(
            headers("Sender: Robot <Robot@Example.com>", "Subject: No From", "Content-Type: text/plain"),
            b"Sent by robot.",
        ),
        subject="No From",
        from_="robot@example.com",
        from_source="Sender",
        synthesized_id=True,
        warnings=1,
    )
    case(
        "no_from_return_path",
        message(headers("Return-Path: <bounce-handler@example.com>", "Subject: Only return path"), b"Body."),
        subject="Only return path",
        from_="bounce-handler@example.com",
        from_source="Return-Path",
        synthesized_id=True,
    )
    case(
        "no_from_at_all",
        message(headers("Subject: Nobody", "Date: yesterday"), b"Who sent this?"),
        subject="Nobody",
        from_=None,
        from_source="",
        date=None,
        reply_contains=["Who sent this?"],
        synthesized_id=True,
        warnings=2,
    )
    case(
        "garbage_date",
        message(
            headers(*std("Bad date", extra=("X-Note: date below is garbage",))).replace(
                b"Date: Sun, 22 Nov 2026 10:15:00 +0300", b"Date: 32 Foo 20x6 99:99"
            ),
            b"Body.",
        ),
        subject="Bad date",
        date=None,
    )
    case(
        "date_no_zone",
        message(headers(*std("Naive date")).replace(b"+0300", b"-0000"), b"Body."),
        subject="Naive date",
        date="2026-11-22T10:15:00+00:00",
    )
    case(
        "fullwidth_ticket_tag",
        message(headers(*std(ew("Re: RE: Fwd: ［＃１２３４５］ Проблема"))), b"ok"),
        subject="Re: RE: Fwd: ［＃１２３４５］ Проблема",
        ticket=12345,
    )
    case(
        "message_id_garbage",
        message(
            headers(
                *std(
                    "Ids",
                    mid="  <weird id@x> <real@x.example>",
                    extra=(
                        "In-Reply-To: <parent@x.example> (Ivan's message of Sun)",
                        "References: garbage <a@x> junk <b@x> <a@x>",
                    ),
                )
            ),
            b"Body.",
        ),
        subject="Ids",
        message_id="real@x.example",
        in_reply_to="parent@x.example",
        references=2,
    )

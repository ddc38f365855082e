"""Corpus: header quirks of real-world mail that must not lose the sender (issue 9, section 4).

Written for this project from RFC 5322 (sections 3.4, 4.4, 4.5.3 and appendix A.5), RFC 4155
(mbox), RFC 1468 (ISO-2022-JP) and the shapes exports and gateways are known to produce.
"""

from __future__ import annotations

import base64

from mailconf.tests.corpus.builders import headers, message, multipart, part
from mailconf.tests.corpus.registry import case, std

BOM = b"\xef\xbb\xbf"


def quirks() -> None:
    framing()
    obsolete_syntax()
    fallbacks()
    deep_and_encoded()


def framing() -> None:
    """Bytes before the first field and broken lines among the fields."""
    case(
        "quirk_utf8_bom",
        message(
            BOM + headers(*std("Принтер не печатает", "Анна Смирнова <anna.smirnova@client.example>")),
            "Добрый день! Принтер в 204 не печатает.".encode(),
        ),
        subject="Принтер не печатает",
        from_="anna.smirnova@client.example",
        from_name="Анна Смирнова",
        from_source="From",
        reply_contains=["Принтер в 204 не печатает."],
        text_excludes=["Subject:", "\ufeff"],
        warnings_contain=["byte-order mark"],
    )
    case(
        "quirk_mbox_separator",
        message(
            headers(
                "From ivan.petrov@example.ru Sun Nov 22 10:15:00 2026",
                *std("VPN не подключается"),
            ),
            "Ошибка 809 при подключении к VPN.".encode(),
        ),
        subject="VPN не подключается",
        from_="ivan.petrov@example.ru",
        from_source="From",
        reply_contains=["Ошибка 809"],
        text_excludes=["From:"],
    )
    case(
        "quirk_mbox_quoted_separator",
        message(
            headers(
                ">From archive@lists.example Sat Nov 21 23:59:01 2026",
                *std("Password reset", "Olga Ivanova <olga@client.example>"),
            ),
            b"Please reset my password.",
            crlf=True,
        ),
        subject="Password reset",
        from_="olga@client.example",
        from_source="From",
        reply_contains=["Please reset my password."],
        text_excludes=["Subject:"],
        warnings_contain=["mbox separator"],
    )
    lines = std("Монитор мигает", "Пётр Сидоров <p.sidorov@client.example>")
    case(
        "quirk_header_line_without_colon",
        message(
            headers(
                "Received: from gw.client.example by mx.servicedesk.example; Sun, 22 Nov 2026 10:15:02 +0300",
                "this line was written by a broken gateway",
                *lines,
            ),
            "Монитор мигает после обновления драйвера.".encode(),
        ),
        subject="Монитор мигает",
        from_="p.sidorov@client.example",
        reply_contains=["Монитор мигает после обновления драйвера."],
        text_excludes=["broken gateway", "Subject:"],
        warnings_contain=["malformed header line skipped: 'this line was written by a broken gateway'"],
    )
    case(
        "quirk_header_name_with_space",
        message(
            headers(
                *std("Scanner", "Maria Kuznetsova <m.kuznetsova@client.example>")[:2],
                "X Scan Station: floor 3",
                "  continued value of the broken field",
                *std("Scanner", "Maria Kuznetsova <m.kuznetsova@client.example>")[2:],
            ),
            b"The scanner on floor 3 sends empty PDFs.",
        ),
        subject="Scanner",
        from_="m.kuznetsova@client.example",
        reply_contains=["The scanner on floor 3 sends empty PDFs."],
        text_excludes=["continued value", "X Scan Station"],
        warnings_contain=["malformed header line skipped: 'X Scan Station: floor 3'"],
    )
    case(
        "quirk_missing_blank_line",
        message(
            headers(
                "From: Kirill <kirill@client.example>",
                "Subject: No blank line",
                "Date: Sun, 22 Nov 2026 10:15:00 +0300",
                "Hello, the mailer forgot the empty line.",
                "Ticket: printer jam",
            ),
            b"Second paragraph.",
        ),
        subject="No blank line",
        from_="kirill@client.example",
        text_contains=["Hello, the mailer forgot the empty line.", "Ticket: printer jam", "Second paragraph."],
        synthesized_id=True,
    )


def obsolete_syntax() -> None:
    """RFC 5322 section 4 syntax: still legal to read, and written by old and odd software."""
    case(
        "quirk_space_before_colon",
        message(
            headers(
                "From  : Sergey Volkov <s.volkov@client.example>",
                "To : support@servicedesk.example",
                "Subject\t: Space before the colon",
                "Date : Sun, 22 Nov 2026 10:15:00 +0300",
                "Message-ID : <obs-colon@client.example>",
            ),
            b"Header names followed by whitespace before the colon.",
        ),
        subject="Space before the colon",
        from_="s.volkov@client.example",
        from_name="Sergey Volkov",
        message_id="obs-colon@client.example",
        date="2026-11-22T10:15:00+03:00",
        reply_contains=["Header names followed by whitespace"],
        warnings_contain=["whitespace before the colon removed in 'From'"],
    )
    # RFC 5322 appendix A.5: comments and folding white space everywhere.
    case(
        "quirk_rfc5322_a5_comments",
        message(
            headers(
                "From: Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>",
                "To:A Group(Some people)",
                "     :Chris Jones <c@(Chris's host.)public.example>,",
                "         joe@example.org,",
                "  John <jdoe@one.test> (my dear friend); (the end of the group)",
                "Cc:(Empty list)(start)Hidden recipients  :(nobody(that I know))  ;",
                "Date: Thu,",
                "      13",
                "        Feb",
                "          1969",
                "      23:32",
                "               -0330 (Newfoundland Time)",
                "Message-ID:              <testabcd.1234@silly.test>",
                "Subject: Testing",
            ),
            b"Testing.",
        ),
        subject="Testing",
        from_="pete@silly.test",
        from_name="Pete",
        to=["c@public.example", "joe@example.org", "jdoe@one.test"],
        cc=[],
        message_id="testabcd.1234@silly.test",
        reply_contains=["Testing."],
    )
    case(
        "quirk_comment_is_the_name",
        message(headers(*std("Old style name", "john . doe @ example . org (John Doe)")), b"Body."),
        subject="Old style name",
        from_="john.doe@example.org",
        from_name="John Doe",
    )
    case(
        "quirk_group_in_from",
        message(
            headers(*std("Group as author", "Support team: Anna Belova <anna.belova@corp.example>, bob@corp.example;")),
            b"Written by a group.",
        ),
        subject="Group as author",
        from_="anna.belova@corp.example",
        from_name="Anna Belova",
    )
    case(
        "quirk_quoted_local_part",
        message(
            headers(
                *std(
                    "Quoted local part",
                    '"Joe Q. Public" <"joe q.public"@example.com>',
                    extra=('Reply-To: "Dept. Office" <"office.it"@Example.COM>',),
                )
            ),
            b"Body.",
        ),
        subject="Quoted local part",
        from_='"joe q.public"@example.com',
        from_name="Joe Q. Public",
        reply_to=["office.it@example.com"],
    )


def fallbacks() -> None:
    """No usable From: the author comes from the next field that names a responsible mailbox."""
    case(
        "quirk_reply_to_fallback",
        message(
            headers(
                "From: undisclosed-recipients:;",
                "Reply-To: Helpdesk Robot <robot@monitoring.example>",
                "Subject: Disk C: 95% full",
                "Message-ID: <disk-95@monitoring.example>",
            ),
            b"Disk C: on srv-01 is 95% full.",
        ),
        subject="Disk C: 95% full",
        from_="robot@monitoring.example",
        from_source="Reply-To",
        reply_contains=["srv-01 is 95% full"],
        warnings_contain=["sender taken from Reply-To"],
    )
    case(
        "quirk_sender_before_reply_to",
        message(
            headers(
                "From: =?utf-8?B?0J/RgNC40LLQtdGC?=",
                "Sender: Scanner Gateway <scan@corp.example>",
                "Reply-To: noreply@corp.example",
                "Subject: Scan",
            ),
            b"Scan attached.",
        ),
        subject="Scan",
        from_="scan@corp.example",
        from_source="Sender",
        synthesized_id=True,
    )
    case(
        "quirk_mbox_only_sender",
        message(
            headers(
                "From nina.orlova@client.example Mon Nov 23 08:00:00 2026",
                "Subject: Exported from an archive",
                "Date: Mon, 23 Nov 2026 08:00:00 +0300",
            ),
            b"The header block of this export lost its From field.",
        ),
        subject="Exported from an archive",
        from_="nina.orlova@client.example",
        from_source="mbox separator line",
        synthesized_id=True,
        warnings_contain=["sender taken from mbox separator line"],
    )
    case(
        "quirk_no_sender_anywhere",
        message(
            headers(
                "From MAILER-DAEMON Mon Nov 23 08:00:00 2026",
                "From: undisclosed-recipients:;",
                "Reply-To: ",
                "Return-Path: MAILER-DAEMON",
                "Subject: Nobody at all",
            ),
            b"No field names a mailbox.",
        ),
        subject="Nobody at all",
        from_=None,
        from_source="",
        synthesized_id=True,
        warnings_contain=["no sender address found"],
    )


def _nested(levels: int) -> bytes:
    opening = b"".join(
        b'Content-Type: multipart/mixed; boundary="lvl-%d"\n\n--lvl-%d\n' % (i, i) for i in range(levels)
    )
    closing = b"".join(b"\n--lvl-%d--\n" % i for i in reversed(range(levels)))
    return opening + b"Content-Type: text/plain; charset=utf-8\n\nThe innermost part." + closing


def deep_and_encoded() -> None:
    top = part("Content-Type: text/plain; charset=utf-8", "Пересылаю цепочку, внизу исходное письмо.".encode())
    case(
        "quirk_deep_nesting",
        message(
            headers(*std("Fwd: Fwd: Fwd: loop", ctype='multipart/mixed; boundary="top"')),
            multipart("top", [top, _nested(60)]),
        ),
        subject="Fwd: Fwd: Fwd: loop",
        from_="ivan.petrov@example.ru",
        reply_contains=["Пересылаю цепочку"],
        attachments=["nested-part-1.eml"],
        warnings_contain=["nesting deeper than 30 levels"],
    )
    # ISO-2022-JP as Japanese carriers write it: NEC special characters (①, ㈱) and half-width
    # katakana after ESC ( I, which Python's iso2022_jp codecs reject.
    nec = b"\x1b$B-!\x1b(B"  # ① (JIS row 13)
    company = b"\x1b$B-j\x1b(B"  # ㈱
    hankaku = b"\x1b(I6^\x1b(B"  # ｶﾞ
    subject_word = "メールエラー通知".encode("iso2022_jp")
    case(
        "quirk_iso2022jp_cp50220",
        message(
            headers(
                *std(
                    f"=?ISO-2022-JP?B?{base64.b64encode(nec + subject_word).decode()}?=",
                    f"=?iso-2022-jp?B?{base64.b64encode(company + '山田'.encode('iso2022_jp')).decode()}?= "
                    "<yamada@client.example.jp>",
                    ctype="text/plain; charset=ISO-2022-JP",
                    cte="7bit",
                )
            ),
            "お世話になっております。".encode("iso2022_jp") + b"\n" + hankaku + nec + b"\n",
        ),
        subject="①メールエラー通知",
        from_="yamada@client.example.jp",
        from_name="㈱山田",
        reply_contains=["お世話になっております。", "ｶﾞ①"],
        text_excludes=["\x1b"],
    )
    # Encoded words whose charset label means nothing: the bytes decide.
    words = [
        ("NONE", "Заявка на доступ ".encode("cp1251")),
        ("unknown-8bit", "к 1С ".encode()),
        ("NONE", "お問い合わせ".encode("iso2022_jp")),
    ]
    subject = " ".join(f"=?{label}?B?{base64.b64encode(data).decode()}?=" for label, data in words)
    name = base64.b64encode("お問い合わせ窓口".encode("cp932")).decode()
    case(
        "quirk_bogus_charset_words",
        message(headers(*std(subject, f"=?x-bogus-charset?B?{name}?= <info@shop.example.jp>")), b"Body."),
        subject="Заявка на доступ к 1С お問い合わせ",
        from_="info@shop.example.jp",
        from_name="お問い合わせ窓口",
    )

"""Corpus: charsets and MIME structure."""

from __future__ import annotations

from mailconf.tests.corpus.builders import (
    b64,
    ew,
    headers,
    message,
    multipart,
    part,
    qp,
)
from mailconf.tests.corpus.registry import PDF, PNG, case, std


def charsets() -> None:
    text = "Здравствуйте! Не работает принтер в кабинете 301, пишет «замятие бумаги»."
    raw_subject = "Тема: принтер".encode("cp1251")
    case(
        "cp1251_no_charset",
        message(
            headers(
                b"From: " + "Бухгалтерия".encode("cp1251") + b" <buh@corp.example>",
                "To: support@servicedesk.example",
                b"Subject: " + raw_subject,
                "Date: Sun, 22 Nov 2026 10:15:00 +0300",
                "Message-ID: <cp1251@corp.example>",
                "MIME-Version: 1.0",
                "Content-Type: text/plain",
                "Content-Transfer-Encoding: 8bit",
            ),
            text.encode("cp1251"),
        ),
        subject="Тема: принтер",
        from_name="Бухгалтерия",
        reply_contains=[text],
    )
    case(
        "koi8r_qp",
        message(
            headers(*std(ew("Сбой в 1С", "koi8-r"), ctype="text/plain; charset=koi8-r", cte="quoted-printable")),
            qp("Ошибка при проведении документа: 'Нет прав'.\n".encode("koi8_r")),
        ),
        subject="Сбой в 1С",
        reply_contains=["Ошибка при проведении документа: 'Нет прав'."],
    )
    case(
        "iso8859_5",
        message(
            headers(*std(ew("Старый почтовик", "iso-8859-5", "Q"), ctype="text/plain; charset=ISO-8859-5")),
            "Письмо в кодировке ISO-8859-5, ёлки-палки.\n".encode("iso-8859-5"),
        ),
        subject="Старый почтовик",
        reply_contains=["ISO-8859-5, ёлки-палки"],
    )
    case(
        "cp866_declared",
        message(headers(*std("DOS", ctype="text/plain; charset=cp866")), "Текст из DOS-программы.\n".encode("cp866")),
        subject="DOS",
        reply_contains=["Текст из DOS-программы."],
    )
    case(
        "mac_cyrillic",
        message(
            headers(*std("Mac", ctype="text/plain; charset=x-mac-cyrillic")),
            "Письмо со старого Mac.\n".encode("mac_cyrillic"),
        ),
        subject="Mac",
        reply_contains=["Письмо со старого Mac."],
    )
    # Mixed-charset header: utf-8 word split inside a multibyte letter, koi8-r word glued on, raw cp1251 tail.
    word = "Счёт".encode()
    split = f"=?utf-8?B?{b64(word[:3]).decode()}?= =?UTF-8?B?{b64(word[3:]).decode()}?="
    subject = (
        f"{split}{ew(' и акт ', 'koi8-r')} =?win-1251?Q?=EE=EF=EB=E0=F2=E0?=".encode()
        + b" "
        + "срочно".encode("cp1251")
    )
    case(
        "mixed_charset_headers",
        message(
            headers(
                b"From: " + ew("Пётр Сидоров", "windows-1251", "Q").encode() + b" <PETR@Example.RU>",
                b"Subject: " + subject,
                "To: support@servicedesk.example",
                "Message-ID: <mixed@example.ru>",
                "Content-Type: text/plain; charset=utf-8",
            ),
            "Прошу оплатить.".encode(),
        ),
        subject="Счёт и акт оплата срочно",
        from_="petr@example.ru",
        from_name="Пётр Сидоров",
        reply_contains=["Прошу оплатить."],
    )
    # Wrong and made-up charset names on parts of one message.
    parts = [
        part("Content-Type: text/plain; charset=unknown-8bit", "Первая часть в cp1251.".encode("cp1251")),
        part("Content-Type: text/plain; charset=win-1251", "Вторая часть.".encode("cp1251")),
        part("Content-Type: text/plain; charset=ks_c_5601-1987", "안녕하세요".encode("cp949")),
        part("Content-Type: text/plain; charset=x-user-defined", "Четвёртая в utf-8.".encode()),
        part("Content-Type: text/plain; charset=utf8", "Пятая.".encode()),
        part("Content-Type: text/plain; charset=cp-850", "Größe".encode("cp850")),
        part("Content-Type: text/plain; charset=us-ascii", "Шестая, объявлена как ASCII.".encode("cp1251")),
    ]
    case(
        "bogus_charsets",
        message(
            headers(*std("Bogus charsets", ctype='multipart/mixed; boundary="bc"', cte="8bit")), multipart("bc", parts)
        ),
        subject="Bogus charsets",
        reply_contains=[
            "Первая часть в cp1251.",
            "Вторая часть.",
            "안녕하세요",
            "Четвёртая в utf-8.",
            "Пятая.",
            "Größe",
            "Шестая, объявлена как ASCII.",
        ],
    )
    case(
        "iso2022jp",
        message(
            headers(
                *std(
                    ew("会議の件", "iso-2022-jp"),
                    "Tanaka <tanaka@example.jp>",
                    ctype="text/plain; charset=ISO-2022-JP",
                    cte="7bit",
                )
            ),
            "明日の会議は10時からです。\n".encode("iso2022_jp"),
        ),
        subject="会議の件",
        reply_contains=["明日の会議は10時からです。"],
    )
    case(
        "gb2312_with_gbk_chars",
        message(
            headers(*std(ew("报告", "gb2312"), "Li <li@example.cn>", ctype="text/plain; charset=gb2312", cte="base64")),
            b64("请查收报告，谢谢！镕".encode("gbk")),
        ),
        subject="报告",
        reply_contains=["请查收报告，谢谢！镕"],
    )
    case(
        "shift_jis",
        message(headers(*std("SJIS", ctype="text/plain; charset=shift_jis")), "①番の資料です。\n".encode("cp932")),
        subject="SJIS",
        reply_contains=["①番の資料です。"],
    )
    case(
        "raw_utf8_headers",
        message(headers(*std("Заявка без кодирования", "Сергей Иванов <sergey@example.ru>")), "Тело письма.".encode()),
        subject="Заявка без кодирования",
        from_name="Сергей Иванов",
        reply_contains=["Тело письма."],
    )


def structure() -> None:
    html = b'<html><body><p>Quarterly report attached.</p><img src="cid:logo@corp"></body></html>'
    alternative = multipart(
        "alt",
        [
            part("Content-Type: text/plain; charset=utf-8", b"Quarterly report attached.\n"),
            part("Content-Type: text/html; charset=utf-8", html),
        ],
        preamble=b"",
    )
    related = multipart(
        "rel",
        [
            part('Content-Type: multipart/alternative; boundary="alt"', alternative),
            part("Content-Type: image/png\nContent-ID: <logo@corp>\nContent-Transfer-Encoding: base64", b64(PNG)),
        ],
        preamble=b"",
    )
    mixed = multipart(
        "mix",
        [
            part('Content-Type: multipart/related; boundary="rel"', related),
            part(
                'Content-Type: application/pdf; name="Q3.pdf"\nContent-Transfer-Encoding: base64\n'
                'Content-Disposition: attachment; filename="Q3.pdf"',
                b64(PDF),
            ),
        ],
    )
    case(
        "nested_mixed_related_alternative",
        message(headers(*std("Q3", ctype='multipart/mixed; boundary="mix"', cte="7bit")), mixed, crlf=True),
        subject="Q3",
        reply_contains=["Quarterly report attached."],
        reply_excludes=["<p>"],
        attachments=["Q3.pdf", "image-1.png"],
        inline=["image-1.png"],
    )
    # Forwarded message as message/rfc822: kept as .eml, its text stays out of the body.
    inner = message(
        headers(
            "From: Client <client@example.com>",
            "Subject: " + ew("Исходная жалоба"),
            "Message-ID: <inner@example.com>",
            "Content-Type: text/plain; charset=utf-8",
        ),
        "Текст пересланного письма.".encode(),
    )
    body = multipart(
        "fw",
        [
            part("Content-Type: text/plain; charset=utf-8", "Пересылаю жалобу клиента.".encode()),
            part("Content-Type: message/rfc822\nContent-Disposition: attachment", inner),
        ],
    )
    case(
        "forward_rfc822",
        message(headers(*std("Fwd: Исходная жалоба", ctype='multipart/mixed; boundary="fw"')), body),
        subject="Fwd: Исходная жалоба",
        reply_contains=["Пересылаю жалобу клиента."],
        text_excludes=["Текст пересланного письма"],
        attachments=["Исходная жалоба.eml"],
    )
    ics = b"BEGIN:VCALENDAR\nMETHOD:REQUEST\nBEGIN:VEVENT\nSUMMARY:Server maintenance\nEND:VEVENT\nEND:VCALENDAR\n"
    body = multipart(
        "cal",
        [
            part("Content-Type: text/plain; charset=utf-8", b"Maintenance window on Saturday."),
            part("Content-Type: text/html; charset=utf-8", b"<p>Maintenance window on <b>Saturday</b>.</p>"),
            part('Content-Type: text/calendar; charset="utf-8"; method=REQUEST', ics),
        ],
    )
    case(
        "calendar_invite",
        message(
            headers(*std("Invitation: maintenance", ctype='multipart/alternative; boundary="cal"')), body, crlf=True
        ),
        subject="Invitation: maintenance",
        reply_contains=["Maintenance window on Saturday."],
        attachments=["invite.ics"],
    )
    case("empty_body", message(headers(*std("Empty")), b""), subject="Empty", reply_contains=[], attachments=[])
    # Base64 with broken padding in body and attachment.
    broken = b64("Тело в base64 без паддинга!".encode()).rstrip(b"=")
    body = multipart(
        "bp",
        [
            part("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64", broken),
            part(
                'Content-Type: text/plain; name="data.txt"\nContent-Transfer-Encoding: base64\n'
                'Content-Disposition: attachment; filename="data.txt"',
                b"aGVsbG8gd29ybGQ",
            ),
        ],
    )
    case(
        "base64_broken_padding",
        message(headers(*std("Broken base64", ctype='multipart/mixed; boundary="bp"')), body),
        subject="Broken base64",
        reply_contains=["Тело в base64 без паддинга!"],
        attachments=["data.txt"],
        attachment_payloads={"data.txt": "hello world"},
    )
    # S/MIME: multipart/signed keeps text and the .p7s.
    signed = multipart(
        "sig",
        [
            part(
                "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit",
                "Подписанное письмо.".encode(),
            ),
            part(
                'Content-Type: application/pkcs7-signature; name="smime.p7s"\nContent-Transfer-Encoding: base64\n'
                'Content-Disposition: attachment; filename="smime.p7s"',
                b64(b"0\x82\x05signature"),
            ),
        ],
    )
    case(
        "smime_signed",
        message(
            headers(
                *std(
                    "Signed",
                    ctype='multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="sig"',
                )
            ),
            signed,
            crlf=True,
        ),
        subject="Signed",
        reply_contains=["Подписанное письмо."],
        attachments=["smime.p7s"],
    )
    # File names: RFC 2231 continuations with charset, cp1251 RFC 2231, raw 8-bit, name= in Content-Type, no name.
    files = [
        part(
            "Content-Type: application/pdf\nContent-Disposition: attachment;\n filename*0*=utf-8''%D0%94%D0%BE%D0%B3"
            "%D0%BE%D0%B2%D0%BE%D1%80%20;\n filename*1*=%E2%84%96%205.pdf",
            PDF,
        ),
        part(
            "Content-Type: application/msword\nContent-Disposition: attachment; filename*=win-1251''%D1%EC%E5%F2%E0.doc",
            b"doc",
        ),
        part(
            b'Content-Type: text/plain\nContent-Disposition: attachment; filename="' + "Акт сверки.txt".encode() + b'"',
            b"act",
        ),
        part(b'Content-Type: image/jpeg; name="' + "фото.jpg".encode("cp1251") + b'"', b"\xff\xd8jpeg"),
        part('Content-Type: application/octet-stream; name="' + ew("Счёт-фактура.xls") + '"', b"xls"),
        part(
            'Content-Type: application/zip\nContent-Disposition: attachment; filename="..\\\\..\\\\C:\\\\evil\\\\a<b>.zip"',
            b"PK",
        ),
        part("Content-Type: application/octet-stream\nContent-Disposition: attachment", b"noname"),
        part("Content-Type: text/plain; charset=utf-8", "Файлы во вложении.".encode()),
    ]
    case(
        "filenames",
        message(headers(*std("Files", ctype='multipart/mixed; boundary="fn"')), multipart("fn", files)),
        subject="Files",
        reply_contains=["Файлы во вложении."],
        attachments=[
            "Договор № 5.pdf",
            "Смета.doc",
            "Акт сверки.txt",
            "фото.jpg",
            "Счёт-фактура.xls",
            "a_b_.zip",
            "attachment-7.bin",
        ],
    )
    refs = "\n".join(f" <ref{i}.{i * 7}@thread.example.ru>" for i in range(200))
    subject_folded = "Re: " + "\n ".join(["Очень", "длинная", "тема", "с", "переносами", "[#1010]"])
    case(
        "folded_headers",
        message(headers(*std(subject_folded, extra=("References:" + refs,))), b"See thread."),
        subject="Re: Очень длинная тема с переносами [#1010]",
        ticket=1010,
        references=200,
        reply_contains=["See thread."],
    )
    body = (
        "<html><head><style>.x{color:red}</style><script>document.location='http://evil'</script></head>"
        '<body onload="steal()"><p onclick="x()">Click <a href="javascript:alert(1)">here</a> or '
        '<a href="https://example.com/help">help</a>.</p><img src="https://tracker.example/p.gif?u=1" '
        'width="1" height="1"><ul><li>one</li><li>two &amp; three</li></ul>'
        '<iframe src="https://evil.example"></iframe></body></html>'
    )
    case(
        "html_only_scripts_tracking",
        message(
            headers(*std("Newsletter-like HTML", "Promo <promo@shop.example>", ctype="text/html; charset=utf-8")),
            body.encode(),
        ),
        subject="Newsletter-like HTML",
        reply_contains=["help (https://example.com/help)", "- two & three"],
        reply_excludes=["document.location", "color:red"],
        html_excludes=["<script", "onload", "onclick", "javascript:", "tracker.example", "<iframe", "<style"],
        html_contains=['href="https://example.com/help"'],
    )
    case(
        "html_blockquote_reply",
        message(
            headers(*std("Re: [#1011] Ноутбук", ctype="text/html; charset=utf-8")),
            '<p>Ноутбук забрал.</p><blockquote type="cite"><p>Ноутбук готов, заберите.</p></blockquote>'.encode(),
        ),
        subject="Re: [#1011] Ноутбук",
        reply_contains=["Ноутбук забрал."],
        reply_excludes=["заберите"],
        text_contains=["> Ноутбук готов"],
    )
    quoted_marker = (
        "Спасибо за ответ, вопрос решён.\n\n##- Please type your reply above this line -##\n\n"
        "Ваша заявка [#1012] обновлена.\n"
    )
    case(
        "reply_marker",
        message(headers(*std("Re: [#1012] Обновление заявки")), quoted_marker.encode()),
        subject="Re: [#1012] Обновление заявки",
        reply_contains=["вопрос решён"],
        reply_excludes=["обновлена"],
    )

"""Corpus: mail as real clients write it (Outlook, Thunderbird, Gmail, Yandex, Mail.ru, 1C, Apple)."""

from __future__ import annotations

from mailconf.tests.corpus.builders import (
    b64,
    headers,
    message,
    multipart,
    part,
    qp,
    rtf_literal_lzfu,
    tnef,
    uuencode,
)
from mailconf.tests.corpus.registry import PDF, PNG, case, std


def clients() -> None:
    # Outlook with winmail.dat: TNEF carries the body and two files (one with a Cyrillic name).
    dat = tnef(
        "Добрый день!\r\nВо вложении отчёт за ноябрь.\r\n\r\nС уважением,\r\nАнна",
        [("report-november.xlsx", b"PK\x03\x04xlsx-data" * 50), ("Скан договора.pdf", PDF)],
    )
    body = multipart(
        "----=_NextPart_000_0001",
        [
            part(
                'Content-Type: application/ms-tnef; name="winmail.dat"\nContent-Transfer-Encoding: base64\n'
                'Content-Disposition: attachment; filename="winmail.dat"',
                b64(dat),
            ),
        ],
    )
    case(
        "outlook_winmail",
        message(
            headers(
                *std(
                    "RE: [#1001] Отчёт",
                    "Anna <anna@corp.example>",
                    ctype='multipart/mixed; boundary="----=_NextPart_000_0001"',
                    cte="7bit",
                ),
                "X-Mailer: Microsoft Outlook 16.0",
            ),
            body,
            crlf=True,
        ),
        subject="RE: [#1001] Отчёт",
        from_="anna@corp.example",
        ticket=1001,
        reply_contains=["отчёт за ноябрь"],
        reply_excludes=["С уважением"],
        attachments=["report-november.xlsx", "Скан договора.pdf"],
    )
    # Outlook winmail.dat whose only body is compressed RTF, and a damaged one.
    rtf = rtf_literal_lzfu(b"{\\rtf1\\ansi Hello from RTF}")
    dat = tnef("", [("notes.txt", b"notes")], rtf=rtf)
    case(
        "outlook_winmail_rtf",
        message(
            headers(*std("RTF only", "Anna <anna@corp.example>", ctype="application/ms-tnef", cte="base64")),
            b64(dat),
            crlf=True,
        ),
        subject="RTF only",
        from_="anna@corp.example",
        attachments=["message.rtf", "notes.txt"],
    )
    case(
        "outlook_winmail_damaged",
        message(
            headers(
                *std("Broken winmail", "Anna <anna@corp.example>", ctype='multipart/mixed; boundary="b1"', cte="7bit")
            ),
            multipart(
                "b1",
                [
                    part("Content-Type: text/plain; charset=us-ascii", b"See attached."),
                    part(
                        "Content-Type: application/ms-tnef\nContent-Transfer-Encoding: base64\n"
                        "Content-Disposition: attachment; filename=winmail.dat",
                        b64(b"\x78\x9f\x3e\x22garbage"),
                    ),
                ],
            ),
            crlf=True,
        ),
        subject="Broken winmail",
        reply_contains=["See attached."],
        attachments=["winmail.dat"],
        warnings=1,
    )
    # Thunderbird, format=flowed, bottom quote and "-- " signature.
    text = (
        "Добрый день,\n\nпринтер снова печатает пустые листы, хотя картридж \nмы поменяли вчера.\n\n"
        "22.11.2026 09:00, Служба поддержки пишет:\n> Попробуйте заменить картридж.\n>\n> "
        "##- Please type your reply above this line -##\n\n-- \nИван Петров\nбухгалтерия, доб. 123\n"
    )
    case(
        "thunderbird_flowed",
        message(
            headers(
                *std(
                    "Re: [#1002] Принтер",
                    ctype="text/plain; charset=UTF-8; format=flowed",
                    extra=(
                        "User-Agent: Mozilla Thunderbird",
                        "In-Reply-To: <ticket-1002-n3@servicedesk.example>",
                        "References: <ticket-1002@servicedesk.example> <ticket-1002-n3@servicedesk.example>",
                    ),
                )
            ),
            text.encode(),
        ),
        subject="Re: [#1002] Принтер",
        from_="ivan.petrov@example.ru",
        ticket=1002,
        reply_contains=["хотя картридж мы поменяли вчера"],
        reply_excludes=["Попробуйте", "бухгалтерия"],
        in_reply_to="ticket-1002-n3@servicedesk.example",
        references=2,
    )
    # Gmail reply: alternative with a gmail_quote; the attribution wraps in plain text.
    plain = (
        b"Thanks, it works now.\r\n\r\nOn Sun, Nov 22, 2026 at 10:00 AM Support Desk <\r\n"
        b"support@servicedesk.example> wrote:\r\n\r\n> Please restart the VPN client.\r\n>\r\n"
    )
    html = (
        b'<div dir="ltr">Thanks, it works now.</div><br><div class="gmail_quote"><div dir="ltr" '
        b'class="gmail_attr">On Sun, Nov 22, 2026 at 10:00 AM Support Desk &lt;<a href="mailto:support@'
        b'servicedesk.example">support@servicedesk.example</a>&gt; wrote:<br></div><blockquote class='
        b'"gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204)">'
        b"Please restart the VPN client.</blockquote></div>\r\n"
    )
    case(
        "gmail_reply",
        message(
            headers(
                *std(
                    "Re: [#1003] VPN",
                    "John Smith <John.Smith@gmail.com>",
                    ctype='multipart/alternative; boundary="000000000000a1b2c3"',
                    cte="7bit",
                )
            ),
            multipart(
                "000000000000a1b2c3",
                [
                    part('Content-Type: text/plain; charset="UTF-8"', plain),
                    part('Content-Type: text/html; charset="UTF-8"', html),
                ],
                preamble=b"",
            ),
            crlf=True,
        ),
        subject="Re: [#1003] VPN",
        from_="john.smith@gmail.com",
        ticket=1003,
        reply_contains=["it works now"],
        reply_excludes=["restart the VPN"],
        html_contains=["blockquote"],
    )
    gmail_ru = (
        "Спасибо, заработало.\n\nпн, 22 нояб. 2026 г. в 10:15, Служба поддержки <support@servicedesk.example>:\n\n"
        "> Перезагрузите компьютер.\n"
    )
    case(
        "gmail_ru_reply",
        message(
            headers(*std("Re: [#1004] Почта", "=?UTF-8?B?0JzQsNGA0LjRjw==?= <maria@gmail.com>", cte="base64")),
            b64(gmail_ru.encode()),
        ),
        subject="Re: [#1004] Почта",
        from_="maria@gmail.com",
        from_name="Мария",
        reply_contains=["заработало"],
        reply_excludes=["Перезагрузите"],
    )
    yandex = (
        '<div>Проблема осталась, прикладываю скриншот.</div><div> </div><div>22.11.2026, 10:15, "Служба поддержки"'
        " &lt;support@servicedesk.example&gt;:</div><blockquote><div>Уточните, пожалуйста, версию.</div></blockquote>"
    )
    case(
        "yandex_html_only",
        message(
            headers(
                *std(
                    "Re: [#1005] 1С не запускается",
                    "Олег <oleg@yandex.ru>",
                    ctype="text/html; charset=utf-8",
                    cte="quoted-printable",
                    extra=("X-Mailer: Yamail [ http://yandex.ru ] 5.0",),
                )
            ),
            qp(yandex.encode()),
        ),
        subject="Re: [#1005] 1С не запускается",
        from_="oleg@yandex.ru",
        reply_contains=["прикладываю скриншот"],
        reply_excludes=["Уточните"],
        text_contains=["Уточните"],
    )
    mailru = (
        "Всё ещё не работает.\n\n\nСреда, 22 ноября 2026, 10:15 +03:00 от Служба поддержки "
        "<support@servicedesk.example>:\n>Проверьте кабель.\n>\n"
    )
    case(
        "mailru_reply",
        message(
            headers(
                *std(
                    "Re[2]: [#1006] Интернет",
                    "=?UTF-8?B?0J/RkdGC0YA=?= <petr@mail.ru>",
                    cte="base64",
                    extra=("X-Mailer: Mail.Ru Mailer 1.0",),
                )
            ),
            b64(mailru.encode()),
        ),
        subject="Re[2]: [#1006] Интернет",
        from_="petr@mail.ru",
        ticket=1006,
        reply_contains=["Всё ещё не работает."],
        reply_excludes=["кабель"],
    )
    # Outlook reply in Russian: quoted history as an "От: / Отправлено:" header block; cp1251 QP.
    outlook_ru = (
        "Коллеги, добрый день!\r\nДоступ появился, заявку можно закрывать.\r\n\r\n"
        "От: Служба поддержки [mailto:support@servicedesk.example]\r\nОтправлено: 22 ноября 2026 г. 10:15\r\n"
        "Кому: Иванов И.И.\r\nТема: [#1007] Доступ к папке\r\n\r\nДоступ выдан.\r\n"
    )
    case(
        "outlook_ru_reply",
        message(
            headers(
                *std(
                    "RE: [#1007] Доступ к папке",
                    "Иванов <ivanov@corp.example>",
                    ctype='text/plain; charset="windows-1251"',
                    cte="quoted-printable",
                )
            ),
            qp(outlook_ru.encode("cp1251")),
            crlf=True,
        ),
        subject="RE: [#1007] Доступ к папке",
        ticket=1007,
        reply_contains=["заявку можно закрывать"],
        reply_excludes=["Доступ выдан"],
    )
    outlook_en = (
        "Fixed on our side.\r\n\r\n________________________________\r\nFrom: Service Desk <support@servicedesk.example>\r\n"
        "Sent: Sunday, November 22, 2026 10:15 AM\r\nTo: Bob\r\nSubject: [#1008] Disk\r\n\r\nPlease check.\r\n"
    )
    case(
        "outlook_en_reply",
        message(
            headers(*std("RE: [#1008] Disk", "Bob <BOB@Corp.Example>", cte="7bit")), outlook_en.encode(), crlf=True
        ),
        subject="RE: [#1008] Disk",
        from_="bob@corp.example",
        reply_contains=["Fixed on our side."],
        reply_excludes=["Please check", "________"],
    )
    # Bitrix24/1C robot: cp1251 HTML, no plain part, a table and a link.
    bitrix = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251"></head><body>'
        "<p>Новый заказ №4512</p><table><tr><td>Товар</td><td>Картридж HP 85A</td></tr></table>"
        '<p><a href="https://crm.example.ru/orders/4512">Открыть заказ</a></p></body></html>'
    )
    case(
        "bitrix_robot_cp1251_html",
        message(
            headers(
                *std(
                    "Новый заказ №4512",
                    "1C-Bitrix <robot@crm.example.ru>",
                    ctype="text/html",
                    cte="8bit",
                    extra=("X-Mailer: Bitrix",),
                )
            ),
            bitrix.encode("cp1251"),
        ),
        subject="Новый заказ №4512",
        from_="robot@crm.example.ru",
        reply_contains=["Новый заказ №4512", "Картридж HP 85A", "Открыть заказ (https://crm.example.ru/orders/4512)"],
    )
    # 1C "Документооборот": uuencoded attachment inside a cp1251 body.
    uu_body = "Выгрузка во вложении.\n".encode("cp1251") + uuencode(
        "выгрузка.csv", "Код;Наименование\n1;Стол\n".encode("cp1251")
    )
    case(
        "1c_uuencoded",
        message(
            headers(
                *std("Выгрузка 1С", "1C <robot@1c.example.ru>", ctype="text/plain; charset=windows-1251", cte="8bit")
            ),
            uu_body + "Конец.\n".encode("cp1251"),
        ),
        subject="Выгрузка 1С",
        reply_contains=["Выгрузка во вложении.", "Конец."],
        reply_excludes=["begin 644"],
        attachments=["выгрузка.csv"],
    )
    # Apple Mail: alternative(plain, related(html, image)) with an inline image shown via cid.
    html = (
        b'<html><body><div>Screenshot below:</div><div><img src="cid:F1A2B3C4-0001@apple.example" '
        b'width="320"></div><div>Error 0x80070005 after update.</div></body></html>'
    )
    related = multipart(
        "Apple-Mail=_R",
        [
            part("Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 7bit", html),
            part(
                'Content-Type: image/png; name="Screen Shot 2026-11-22.png"\nContent-Transfer-Encoding: base64\n'
                'Content-Disposition: inline; filename="Screen Shot 2026-11-22.png"\nContent-Id: <F1A2B3C4-0001@apple.example>',
                b64(PNG),
            ),
        ],
        preamble=b"",
    )
    body = multipart(
        "Apple-Mail=_A",
        [
            part(
                "Content-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: 7bit",
                b"Screenshot below:\n\nError 0x80070005 after update.\n\nSent from my iPad",
            ),
            part('Content-Type: multipart/related; type="text/html"; boundary="Apple-Mail=_R"', related),
        ],
        preamble=b"",
    )
    case(
        "apple_mail_inline_image",
        message(
            headers(
                *std(
                    "Update error",
                    "Kate <kate@icloud.com>",
                    ctype='multipart/alternative; boundary="Apple-Mail=_A"',
                    cte="7bit",
                )
            ),
            body,
        ),
        subject="Update error",
        reply_contains=["Error 0x80070005"],
        reply_excludes=["Sent from my iPad"],
        attachments=["Screen Shot 2026-11-22.png"],
        inline=["Screen Shot 2026-11-22.png"],
        html_contains=['src="cid:F1A2B3C4-0001@apple.example"'],
    )
    # iPhone and sign-off signatures.
    case(
        "iphone_signature",
        message(
            headers(*std("Re: [#1009] Пропуск", "Олег <oleg@corp.example>")),
            "Пропуск получил, спасибо!\n\nОтправлено с iPhone\n".encode(),
        ),
        subject="Re: [#1009] Пропуск",
        reply_contains=["Пропуск получил"],
        reply_excludes=["iPhone"],
    )
    sign_off = (
        "Прошу выдать доступ к отчёту.\nС уважением к срокам, прошу сделать до пятницы.\n\nС уважением,\n"
        "Анна Смирнова\nГлавный бухгалтер\nтел. +7 495 000-00-00\n"
    )
    case(
        "sign_off_block",
        message(headers(*std("Доступ к отчёту", "Анна <anna@corp.example>")), sign_off.encode()),
        subject="Доступ к отчёту",
        reply_contains=["С уважением к срокам, прошу сделать до пятницы."],
        reply_excludes=["Главный бухгалтер"],
        text_contains=["Главный бухгалтер"],
    )

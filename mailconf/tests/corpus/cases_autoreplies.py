"""Automatic corpus: vacation responders, list-server notices, abuse feedback reports, other
robots; and the human mail about the same topics that must still become tickets."""

from __future__ import annotations

from mailconf.tests.corpus.auto_builders import OUR_ADDRESS, add, original, simple
from mailconf.tests.corpus.builders import ew, headers, message, multipart, part

OOF = ("X-Auto-Response-Suppress: All", "Auto-Submitted: auto-generated")


def automatic() -> None:
    vacation()
    list_notices()
    feedback_reports()
    robots()


def vacation() -> None:
    # (name, sender, subject, body, extra headers): Exchange and Outlook.com localise the prefix.
    table = [
        (
            "oof_exchange_en",
            "Ivan Petrov <ivan@client.example>",
            "Automatic reply: [#3001] Printer",
            "I am out of the office until 30 November.",
            OOF,
        ),
        (
            "oof_exchange_ru",
            "Иван Петров <ivan@client.example>",
            ew("Автоматический ответ: [#3002] Принтер"),
            "Я в отпуске до 30 ноября.",
            OOF,
        ),
        (
            "oof_exchange_de",
            "Hans Müller <hans@firma.example>",
            ew("Automatische Antwort: [#3003] Drucker"),
            "Ich bin bis zum 30. November nicht im Büro.",
            OOF,
        ),
        (
            "oof_exchange_fr",
            "Jean Dupont <jean@societe.example>",
            ew("Réponse automatique : [#3004] Imprimante"),
            "Je suis absent jusqu'au 30 novembre.",
            OOF,
        ),
        (
            "oof_exchange_es",
            "Ana García <ana@empresa.example>",
            ew("Respuesta automática: [#3005] Impresora"),
            "Estoy fuera de la oficina hasta el 30 de noviembre.",
            OOF,
        ),
        (
            "oof_exchange_it",
            "Marco Rossi <marco@azienda.example>",
            ew("Risposta automatica: [#3006] Stampante"),
            "Sono fuori ufficio fino al 30 novembre.",
            OOF,
        ),
        (
            "oof_exchange_ja",
            "山田太郎 <yamada@kaisha.example.jp>",
            ew("自動応答: [#3007] プリンター"),
            "11月30日まで不在にしております。",
            OOF,
        ),
        (
            "oof_exchange_pl",
            "Jan Kowalski <jan@firma.example.pl>",
            ew("Odpowiedź automatyczna: [#3008] Drukarka"),
            "Jestem poza biurem do 30 listopada.",
            OOF,
        ),
        (
            "oof_exchange_nl",
            "Piet de Vries <piet@bedrijf.example>",
            "Automatisch antwoord: [#3009] Printer",
            "Ik ben afwezig tot 30 november.",
            OOF,
        ),
        (
            "oof_outlook_2003",
            "Ivan Petrov <ivan@client.example>",
            "Out of Office AutoReply: [#3010] Printer",
            "I am away.",
            (),
        ),
        (
            "oof_gmail_vacation",
            "Olga <olga@gmail.example>",
            "Re: [#3011] Printer",
            "Я в отпуске, отвечу после 1 декабря.",
            ("Auto-Submitted: auto-replied",),
        ),
        (
            "oof_yandex",
            "Олег <oleg@yandex.example>",
            f"{ew('Автоответ')}: Re: [#3012]",
            "Меня нет на месте.",
            ("Auto-Submitted: auto-replied",),
        ),
        (
            "oof_mailru",
            "Мария <maria@mail.example>",
            ew("Автоответ: Re: [#3013] Принтер"),
            "Спасибо за письмо! Я в отпуске.",
            (),
        ),
        (
            "oof_lotus_notes",
            "Ivan Petrov/Client <ivan@client.example>",
            "AUTO: Ivan Petrov is out of the office (returning 01.12.2026)",
            "I am out of the office until 01.12.2026.",
            (),
        ),
        (
            "oof_zimbra",
            "Pavel <pavel@client.example>",
            "Out of office",
            "I am away until Monday.",
            ("Auto-Submitted: auto-replied (zimbra; vacation)",),
        ),
        (
            "oof_unix_vacation",
            "sergey@client.example",
            "away from my mail",
            "I will not be reading my mail for a while.",
            ("Precedence: junk",),
        ),
        (
            "oof_bitrix24",
            "Bitrix24 <robot@bitrix.client.example>",
            ew("Автоматический ответ: Принтер"),
            "Сотрудник отсутствует до 30.11.2026.",
            (),
        ),
        (
            "oof_german_abwesenheit",
            "Klaus <klaus@firma.example>",
            ew("Abwesenheitsnotiz: [#3018] Drucker"),
            "Ich bin abwesend.",
            (),
        ),
        (
            "oof_plain_subject_ru",
            "Анна <anna@client.example>",
            ew("Нет на месте: [#3019] Принтер"),
            "Я на больничном.",
            (),
        ),
        (
            "autoack_other_helpdesk",
            "Support <help@vendor.example>",
            "[Ticket#1000123] We have received your request",
            "Thank you for contacting us. Your request has been registered.",
            ("Auto-Submitted: auto-generated", "X-Loop: help@vendor.example", "Precedence: bulk"),
        ),
        (
            "autoack_otrs",
            "Vendor Support <otrs@vendor.example>",
            "[Ticket#2026112310000011] RE: Printer",
            "Your e-mail has been received and will be processed.",
            ("X-OTRS-Loop: otrs@vendor.example", "Precedence: bulk", "X-Loop: otrs@vendor.example"),
        ),
        (
            "autoack_rt",
            "Vendor RT <rt@vendor.example>",
            "[vendor.example #4401] AutoReply: Printer",
            "This message has been automatically generated in response to the creation of a ticket.",
            ("RT-Loop-Prevention: vendor.example", "Precedence: bulk"),
        ),
    ]
    for name, sender, subject, body, extra in table:
        simple(name, "auto_reply", sender=sender, subject=subject, text=body, extra=extra)


def list_notices() -> None:
    mailman = ("X-Mailman-Version: 2.1.39", "X-BeenThere: it-news@lists.client.example", "Precedence: bulk")
    table = [
        (
            "mailman_moderation",
            "it-news-bounces@lists.client.example",
            "Your message to It-news awaits moderator approval",
            "Your mail to 'It-news' with the subject\n\n    [#3101] Printer\n\nIs being held until the list "
            "moderator can review it for approval.\n\nThe reason it is being held:\n\n    Post by non-member to a "
            "members-only list\n",
            (*mailman, "X-List-Administrivia: yes"),
        ),
        (
            "mailman_not_member_no_administrivia_header",
            "it-news-owner@lists.client.example",
            "Posting to a restricted list by sender requires approval",
            "You are not allowed to post to this mailing list, and your message has been automatically rejected.\n",
            ("X-Mailman-Version: 2.1.29",),
        ),
        (
            "mailman3_rejected",
            "it-news-owner@lists.client.example",
            "Your message to it-news@lists.client.example was rejected",
            "You are not a member of this mailing list.\n\nIf you think that your messages are being rejected in "
            "error, contact the mailing list owner at it-news-owner@lists.client.example.\n",
            (),
        ),
        (
            "mailman_ru",
            "it-news-bounces@lists.client.ru",
            ew("Ваше сообщение в рассылку It-news ожидает одобрения модератора"),
            "Ваше письмо задержано до проверки модератором списка.\n\nПричина: сообщение от не-участника.\n",
            mailman,
        ),
        (
            "sympa_rejected",
            "sympa@lists.universite.example",
            "Message distribution: Authorization denied",
            "Your message for list 'etudiants' has been rejected: you are not allowed to send to this list.\n",
            (),
        ),
        (
            "sympa_moderation_fr",
            "etudiants-request@lists.universite.example",
            ew("Votre message pour la liste etudiants est en attente de modération"),
            "Votre message a été transmis aux modérateurs de la liste.\n",
            ("Auto-Submitted: auto-replied",),
        ),
        (
            "majordomo_non_member",
            "Majordomo@lists.client.example",
            "Majordomo results",
            "Non-member submission from [support@servicedesk.example] rejected.\n",
            (),
        ),
        (
            "listserv_not_authorized",
            "L-Soft list server <LISTSERV@listserv.client.example>",
            "Rejected posting to IT-L@LISTSERV.CLIENT.EXAMPLE",
            "You are not authorized to send mail to the IT-L list from your support@servicedesk.example account.\n",
            (),
        ),
        (
            "ezmlm_reject",
            "it-help@lists.client.example",
            "ezmlm response",
            "Hi! This is the ezmlm program. I'm managing the\nit@lists.client.example mailing list.\n\nI'm sorry, I've "
            "been told to reject all messages from people who are not subscribers.\n",
            ("Mailing-List: contact it-help@lists.client.example",),
        ),
        (
            "google_groups_pending",
            "Google Groups <noreply@googlegroups.com>",
            "Your message to client-it has been received and is pending approval",
            "Your message to the group client-it is awaiting moderator approval.\n",
            ("X-Google-Group-Id: 123",),
        ),
        (
            "google_groups_not_member",
            "Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
            "Address not found",
            "Your message wasn't delivered to it@googlegroups.com because you don't have permission to post "
            "to that group, or the group doesn't exist.\n",
            (),
        ),
        (
            "groupsio_pending",
            "it+owner@groups.example.io",
            "Your message to it@groups.example.io is pending",
            "Your message is pending approval by a moderator because you are not a member of the group.\n",
            ("List-Id: <it.groups.example.io>",),
        ),
    ]
    for name, sender, subject, body, extra in table:
        simple(name, "list_notice", sender=sender, subject=subject, text=body, extra=extra)


def feedback_reports() -> None:
    for name, sender, subject, ctype_param in (
        (
            "arf_yahoo",
            "Yahoo! Mail AntiSpam Feedback <feedback@arf.mail.yahoo.example>",
            "Yahoo! Mail AntiSpam Feedback",
            "report-type=feedback-report",
        ),
        ("arf_mailru", "fbl@corp.mail.example", "FBL report", 'report-type="feedback-report"'),
        ("arf_generic_uppercase", "abuse@isp.example", "Abuse report: spam complaint", "REPORT-TYPE=Feedback-Report"),
    ):
        returned = original(3201, "ivan@mail.example")
        report = (
            b"Feedback-Type: abuse\nUser-Agent: SomeGenerator/1.0\nVersion: 1\nOriginal-Mail-From: "
            b"<support@servicedesk.example>\nArrival-Date: Mon, 23 Nov 2026 09:00:02 +0300\nSource-IP: "
            b"198.51.100.7\nReported-Domain: servicedesk.example\n"
        )
        body = multipart(
            "arf",
            [
                part(
                    "Content-Type: text/plain; charset=us-ascii",
                    b"This is an email abuse report for an email message received from IP 198.51.100.7.\n",
                ),
                part("Content-Type: message/feedback-report", report),
                part("Content-Type: message/rfc822\nContent-Disposition: inline", returned),
            ],
        )
        head = headers(
            f"From: {sender}",
            f"To: {OUR_ADDRESS}",
            f"Subject: {subject}",
            "Date: Mon, 23 Nov 2026 10:00:00 +0300",
            f"Message-ID: <{name}@isp.example>",
            "MIME-Version: 1.0",
            f'Content-Type: multipart/report; {ctype_param}; boundary="arf"',
        )
        add(name, message(head, body), "feedback_report")


def robots() -> None:
    simple(
        "challenge_response",
        "auto_reply",
        sender="Boxbe <notifications@boxbe.example>",
        subject="Request to join Ivan Petrov's Guest List",
        text="Hello, support@servicedesk.example wants to send email to Ivan Petrov.\nTo add yourself to the "
        "Guest List, click the link below.",
        extra=("Auto-Submitted: auto-replied",),
    )
    mdn = multipart(
        "mdn",
        [
            part("Content-Type: text/plain; charset=utf-8", "Ваше сообщение было прочитано.".encode()),
            part(
                "Content-Type: message/disposition-notification",
                b"Final-Recipient: rfc822;ivan@client.example\nDisposition: manual-action/MDN-sent-manually; "
                b"displayed\n",
            ),
        ],
    )
    add(
        "read_receipt_ru",
        message(
            headers(
                "From: Ivan <ivan@client.example>",
                f"To: {OUR_ADDRESS}",
                f"Subject: {ew('Прочитано: [#3301] Ваша заявка зарегистрирована')}",
                "Message-ID: <mdn-3301@client.example>",
                'Content-Type: multipart/report; report-type=disposition-notification; boundary="mdn"',
            ),
            mdn,
        ),
        "auto_reply",
    )


def humans() -> None:
    """Human mail on the same topics: every one must still become a ticket (or a comment)."""
    table = [
        (
            "human_forwarded_bounce",
            "Иван Петров <ivan@client.example>",
            ew("Fwd: Недоставленное сообщение"),
            "Коллеги, добрый день! Пришло вот такое, почему письма не доходят?\n\n---------- Пересылаемое "
            "сообщение ----------\nОт: mailer-daemon@yandex.ru\nТема: Недоставленное сообщение\n\nВы получили это "
            "сообщение, потому что отправленное вами письмо не может быть доставлено.\n",
        ),
        (
            "human_fw_undeliverable_outlook",
            "Hans Müller <hans@firma.example>",
            ew("WG: Unzustellbar: Rechnung 4711"),
            "Hallo, bitte prüfen Sie, warum die Rechnung nicht zugestellt werden konnte.\n",
        ),
        (
            "human_fw_en",
            "Kate <kate@client.example>",
            "FW: Undeliverable: Contract",
            "Hi, our contract mail bounced, see below.\n\n-----Original Message-----\nFrom: Microsoft Outlook\n"
            "Delivery has failed to these recipients or groups:\n",
        ),
        (
            "human_reports_delivery_error",
            "Пётр Сидоров <p.sidorov@client.example>",
            ew("Ошибка доставки почты на домен partner.ru"),
            "Добрый день! Письма на partner.ru возвращаются с ошибкой 550 5.1.1 user unknown. Помогите, пожалуйста.\n",
        ),
        (
            "human_undelivered_question",
            "Anna <anna@client.example>",
            "Undelivered mail to our partner",
            "Hello, since yesterday our mail to partner.example is returned. Error: 550 5.7.1 relaying denied.\n",
        ),
        (
            "human_autoreply_broken",
            "Мария Кузнецова <m.kuznetsova@client.example>",
            ew("Не работает автоответ в Outlook"),
            "Настроила автоматический ответ на время отпуска, но он не отправляется.\n",
        ),
        (
            "human_out_of_office_setup",
            "Bob <bob@client.example>",
            "How do I set up Out of Office replies?",
            "Please help me configure an out of office reply in OWA.\n",
        ),
        (
            "human_mailing_list_membership",
            "Olga <olga@client.example>",
            "Cannot post to it-news: not a member",
            "I get 'you are not a member' when posting to it-news. Please add me to the list.\n",
        ),
        (
            "human_moderation_request",
            "Кирилл <kirill@client.example>",
            ew("Прошу добавить в рассылку, письма ждут одобрения модератора"),
            "Мои письма в рассылку it-news ждут одобрения модератора. Добавьте меня, пожалуйста.\n",
        ),
        (
            "human_postmaster_word_in_name",
            "Pavel Postmasterov <pavel.postmasterov@client.example>",
            "Re: [#3401] Printer",
            "Thanks, it works now.\n",
        ),
        (
            "human_reply_re",
            "Иван Петров <ivan@client.example>",
            ew("Re: [#3402] Ваша заявка зарегистрирована"),
            "Спасибо, жду.\n",
        ),
        (
            "human_delivery_status_word",
            "Sergey <sergey@client.example>",
            "Delivery status of order 5512",
            "Where is my laptop? The delivery status says failed.\n",
        ),
        (
            "human_returned_equipment",
            "Ольга <olga@client.example>",
            ew("Возврат ноутбука: возвращено отправителю"),
            "Курьер вернул ноутбук отправителю, нужен повторный выезд.\n",
        ),
        (
            "human_japanese_error_question",
            "山田太郎 <yamada@kaisha.example.jp>",
            ew("メールエラーについて質問"),
            "お世話になっております。メールエラー通知が届きました。原因を教えてください。\n",
        ),
        (
            "human_abuse_question",
            "Security <security@client.example>",
            "Abuse report about phishing mail",
            "We received phishing mail pretending to be your service desk. Headers attached.\n",
        ),
        (
            "human_german_question",
            "Klaus <klaus@firma.example>",
            ew("Frage: Nachricht nicht zustellbar"),
            "Hallo, wir bekommen 'nicht zustellbar' bei Mails an Sie. Können Sie das prüfen?\n",
        ),
        (
            "human_system_administrator",
            "System Administrator <admin@client.example>",
            "Server reboot tonight",
            "We will reboot the mail server tonight at 23:00.\n",
        ),
        ("human_noreply_like_name", "Noreply Team Lead <n.oreply@client.example>", "Printer", "Printer is broken.\n"),
        (
            "human_reply_to_autoreply",
            "Иван Петров <ivan@client.example>",
            ew("Re: Автоматический ответ: [#3403] Принтер"),
            "Извините, это был автоответ, вопрос актуален.\n",
        ),
        (
            "human_mail_failure_word",
            "Dmitry <dmitry@client.example>",
            "Mail failure on my phone",
            "My phone shows 'mail failure' when syncing. Please help.\n",
        ),
    ]
    for name, sender, subject, body in table:
        simple(name, "human", sender=sender, subject=subject, text=body)
    forwarded = multipart(
        "fwd",
        [
            part("Content-Type: text/plain; charset=utf-8", "Посмотрите вложение, это вернулось.".encode()),
            part("Content-Type: message/rfc822", original(3404, "gone@client.example")),
        ],
    )
    add(
        "human_forward_as_attachment",
        message(
            headers(
                "From: Ivan Petrov <ivan@client.example>",
                f"To: {OUR_ADDRESS}",
                f"Subject: {ew('Пересл.: Недоставленное сообщение')}",
                "Message-ID: <fwd-3404@client.example>",
                'Content-Type: multipart/mixed; boundary="fwd"',
            ),
            forwarded,
        ),
        "human",
    )

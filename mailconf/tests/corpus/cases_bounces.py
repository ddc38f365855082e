"""Automatic corpus: delivery-failure notices of many MTAs, providers and languages.

Texts are written for this project after the wording each MTA uses (their templates are short
and widely documented); addresses and hosts are fictitious.
"""

from __future__ import annotations

from mailconf.tests.corpus.auto_builders import bounce
from mailconf.tests.corpus.builders import ew

POSTFIX = (
    "This is the mail system at host {mta}.\n\nI'm sorry to have to inform you that your message could not\n"
    "be delivered to one or more recipients. It's attached below.\n\nFor further assistance, please send mail "
    "to postmaster.\n\nIf you do so, please include this problem report. You can\ndelete your own text from the "
    "attached returned message.\n\n                   The mail system\n\n<gone@client.example>: host "
    "mx.client.example[203.0.113.5] said: 550 5.1.1\n    <gone@client.example>: Recipient address rejected: "
    "User unknown (in reply to RCPT TO command)\n"
)
EXIM = (
    "This message was created automatically by mail delivery software.\n\nA message that you sent could not be "
    "delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n"
    "  gone@client.example\n    host mx.client.example [203.0.113.5]\n    SMTP error from remote mail server after "
    "RCPT TO:<gone@client.example>:\n    550 5.1.1 User unknown\n"
)
SENDMAIL = (
    "The original message was received at Mon, 23 Nov 2026 09:00:01 +0300\nfrom servicedesk.example "
    "[198.51.100.7]\n\n   ----- The following addresses had permanent fatal errors -----\n<gone@client.example>\n"
    "    (reason: 550 5.1.1 <gone@client.example>... User unknown)\n\n   ----- Transcript of session follows -----\n"
    "... while talking to mx.client.example.:\n>>> RCPT To:<gone@client.example>\n<<< 550 5.1.1 "
    "<gone@client.example>... User unknown\n550 5.1.1 <gone@client.example>... User unknown\n"
)
QMAIL = (
    "Hi. This is the qmail-send program at {mta}.\nI'm afraid I wasn't able to deliver your message to the "
    "following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n"
    "<gone@client.example>:\nSorry, no mailbox here by that name. (#5.1.1)\n"
)
EXCHANGE_EN = (
    "Your message to gone@client.example couldn't be delivered.\n\ngone wasn't found at client.example.\n\n"
    "Action Required\nUnknown To address\n\nHow to Fix It\nThe address may be misspelled or may not exist.\n\n"
    "Diagnostic information for administrators:\nGenerating server: EXCH01.client.example\ngone@client.example\n"
    "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'\n"
)
EXCHANGE_2010 = (
    "Delivery has failed to these recipients or groups:\n\ngone@client.example\nThe e-mail address you entered "
    "couldn't be found. Please check the recipient's e-mail address and try to resend the message.\n\n"
    "Diagnostic information for administrators:\n\nGenerating server: EXCH01.client.example\n\n"
    "gone@client.example\n#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##\n"
)
EXCHANGE_2003 = (
    "Your message did not reach some or all of the intended recipients.\n\n      Subject:\t[#2040] Ваша заявка "
    "зарегистрирована\n      Sent:\t23.11.2026 09:00\n\nThe following recipient(s) cannot be reached:\n\n"
    "      gone@client.example on 23.11.2026 09:00\n            The e-mail account does not exist at the "
    "organization this message was sent to.\n            <EXCH03.client.example #5.1.1>\n"
)
EXCHANGE_RU = (
    "Не удалось доставить сообщение следующим получателям или группам:\n\ngone@client.example\n"
    "Не удалось найти введенный адрес электронной почты. Проверьте адрес электронной почты получателя и "
    "повторите отправку сообщения. Если проблема не исчезнет, обратитесь в службу поддержки.\n\n"
    "Диагностические сведения для администраторов:\n\nСоздающий сервер: EXCH01.client.example\n\n"
    "gone@client.example\n#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##\n"
)
EXCHANGE_DE = (
    "Die Zustellung an folgende Empfänger oder Gruppen ist fehlgeschlagen:\n\ngone@client.example\nDie "
    "eingegebene E-Mail-Adresse konnte nicht gefunden werden. Überprüfen Sie die E-Mail-Adresse des Empfängers, "
    "und versuchen Sie erneut, die Nachricht zu senden.\n\nDiagnoseinformationen für Administratoren:\n\n"
    "Generierender Server: EXCH01.client.example\n\ngone@client.example\n#550 5.1.1 RESOLVER.ADR.RecipNotFound; "
    "not found ##\n"
)
EXCHANGE_FR = (
    "La remise du message à ces destinataires ou groupes a échoué :\n\ngone@client.example\nL'adresse de "
    "messagerie que vous avez entrée est introuvable. Vérifiez l'adresse de messagerie du destinataire et "
    "essayez de renvoyer le message.\n\nInformations de diagnostic pour les administrateurs :\n\n"
    "Serveur de génération : EXCH01.client.example\n\ngone@client.example\n#550 5.1.1 RESOLVER.ADR.RecipNotFound; "
    "not found ##\n"
)
EXCHANGE_ES = (
    "Error al entregar a estos destinatarios o grupos:\n\ngone@client.example\nNo se encontró la dirección de "
    "correo electrónico que especificó. Compruebe la dirección de correo electrónico del destinatario e intente "
    "enviar el mensaje de nuevo.\n\nInformación de diagnóstico para administradores:\n\n#550 5.1.1 "
    "RESOLVER.ADR.RecipNotFound; not found ##\n"
)
EXCHANGE_IT = (
    "Recapito non riuscito per i seguenti destinatari o gruppi:\n\ngone@client.example\nImpossibile trovare "
    "l'indirizzo di posta elettronica immesso. Controllare l'indirizzo e riprovare a inviare il messaggio.\n\n"
    "Informazioni di diagnostica per gli amministratori:\n\n#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##\n"
)
EXCHANGE_NL = (
    "De bezorging is mislukt voor deze ontvangers of groepen:\n\ngone@client.example\nHet e-mailadres dat u "
    "hebt opgegeven, is niet gevonden. Controleer het e-mailadres van de ontvanger en verzend het bericht "
    "opnieuw.\n\nDiagnostische gegevens voor beheerders:\n\n#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##\n"
)
EXCHANGE_PL = (
    "Dostarczenie do tych adresatów lub grup nie powiodło się:\n\ngone@client.example\nNie można znaleźć "
    "wprowadzonego adresu e-mail. Sprawdź adres e-mail adresata i spróbuj ponownie wysłać wiadomość.\n\n"
    "Informacje diagnostyczne dla administratorów:\n\n#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##\n"
)
EXCHANGE_JA = (
    "次の受信者またはグループへの配信に失敗しました:\n\ngone@client.example\n入力した電子メール アドレスが見つかり"
    "ませんでした。受信者の電子メール アドレスを確認して、メッセージを再送信してください。\n\n管理者向けの診断情報:\n\n"
    "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##\n"
)
GMAIL = (
    "** Address not found **\n\nYour message wasn't delivered to gone@client.example because the address "
    "couldn't be found, or is unable to receive mail.\n\nLearn more here: https://support.google.com/mail/?p=NoSuchUser\n"
    "\nThe response from the remote server was:\n550 5.1.1 The email account that you tried to reach does not exist.\n"
)
GMAIL_RU = (
    "** Адрес не найден **\n\nВаше сообщение не доставлено на адрес gone@client.example. Адрес не найден или "
    "не может принимать почту.\n\nОтвет удаленного сервера:\n550 5.1.1 The email account that you tried to reach "
    "does not exist.\n"
)
GMAIL_DELAY = (
    "** Message delayed **\n\nThere was a temporary problem delivering your message to gone@client.example. "
    "Gmail will retry for 46 more hours. You'll be notified if the delivery fails permanently.\n\n"
    "The response was:\nThe recipient server did not accept our requests to connect.\n"
)
YAHOO = (
    "Sorry, we were unable to deliver your message to the following address.\n\n<gone@client.example>:\n"
    "Remote host said: 550 5.1.1 <gone@client.example>: Recipient address rejected: User unknown [RCPT_TO]\n"
)
MAILRU = (
    "This message was created automatically by mail delivery software.\n\nA message that you sent could not be "
    "delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n"
    "  gone@client.example\n    SMTP error from remote mail server after RCPT TO:<gone@client.example>:\n"
    "    host mx.client.example [203.0.113.5]: 550 5.1.1 User unknown\n\n"
    "Это письмо создано автоматически сервером Mail.ru.\n\nОтправленное вами письмо не может быть доставлено "
    "одному или нескольким получателям:\n\n  gone@client.example\n"
)
YANDEX = (
    "Здравствуйте!\n\nВы получили это сообщение, потому что отправленное вами письмо не может быть доставлено.\n"
    "Сообщение сгенерировано автоматически почтовой системой Яндекса.\n\nПисьмо не удалось доставить следующим "
    "получателям:\n\n<gone@client.example>: host mx.client.example[203.0.113.5] said: 550 5.1.1 User unknown\n\n"
    "This is the mail system at host forward.yandex.ru.\n"
)
YANDEX_QUOTA = (
    "Здравствуйте!\n\nВаше сообщение не было доставлено, так как почтовый ящик получателя переполнен.\n\n"
    "<full@client.example>: 452 4.2.2 Mailbox size limit exceeded\n"
)
RU_POSTFIX = (
    "Это сообщение сгенерировано автоматически почтовой системой сервера {mta}.\n\nК сожалению, ваше сообщение "
    "не может быть доставлено одному или нескольким получателям.\nОно приложено ниже.\n\n<gone@client.example>: "
    "550 5.1.1 Recipient address rejected: User unknown\n"
)
RU_PLAIN = (
    "Ваше сообщение не было доставлено.\n\nПолучатель: gone@client.example\nПричина: 550 5.1.1 Пользователь "
    "не существует\n"
)
DE_GMX = (
    "Dies ist eine automatisch erstellte Benachrichtigung über den Zustellstatus.\n\nDie Zustellung an "
    "folgende Empfänger ist fehlgeschlagen.\n\n      gone@client.example\n\nUrsache: 550 5.1.1 Benutzer unbekannt\n"
)
DE_TONLINE = (
    "|------------------------- Nachricht nicht zustellbar -------------------------|\n\nIhre Nachricht konnte "
    "nicht zugestellt werden an:\n\n    gone@client.example\n\nGrund: Die Empfängeradresse existiert nicht.\n"
)
DE_POSTFIX = (
    "Dies ist das Mailsystem auf dem Rechner {mta}.\n\nLeider muss ich Ihnen mitteilen, dass Ihre Nachricht "
    "nicht an einen oder mehrere Empfänger zugestellt werden konnte. Sie finden die Nachricht unten.\n\n"
    "<gone@client.example>: 550 5.1.1 User unknown\n"
)
JA_DOCOMO = (
    "このメールは、送信されたメールが宛先に届かなかったことをお知らせするために自動送信されています。\n\n"
    "宛先: gone@docomo.example.jp\n理由: 宛先のメールアドレスが存在しません。\n"
)
JA_AU = (
    "送信されたメールは以下の理由により配信できませんでした。\n\n宛先アドレス: gone@au.example.jp\n"
    "エラー内容: 550 Unknown user\n\nこのメールはシステムより自動送信されています。返信はできません。\n"
)
JA_SOFTBANK = (
    "以下の宛先へメールを配送できませんでした。\n\n<gone@softbank.example.jp>\n550 5.1.1 User unknown\n"
    "\nThis message was created automatically by mail delivery software.\n"
)
DOMINO = (
    "Your message\n\n  Subject: [#2077] Ваша заявка зарегистрирована\n\nwas not delivered to:\n\n"
    "  gone@client.example\n\nbecause:\n\n  User gone (gone@client.example) not listed in Domino Directory\n"
)
GROUPWISE = (
    "Message status - undeliverable\n\nThe attached file had the following undeliverable recipient(s):\n"
    "gone@client.example\n\nTransfer Status\n  550 5.1.1 User unknown\n"
)
MDAEMON = (
    "The attached message had PERMANENT fatal delivery errors!\n\nAfter one or more unsuccessful delivery "
    "attempts the attached message\nhas been removed from the mail queue on this server. The number and\n"
    "frequency of delivery attempts are determined by local configuration parameters.\n\n"
    "YOUR MESSAGE WAS NOT DELIVERED TO ANY OF ITS RECIPIENTS.\n\n--- Session Transcript ---\n"
    " 550 5.1.1 <gone@client.example>... User unknown\n"
)
COMMUNIGATE = (
    "Message delivery to 'gone@client.example' failed:\nunknown user account\n\nThe message was sent at "
    "23-Nov-2026 09:00:01 +0300 by {mta} (CommuniGate Pro).\n"
)
KERIO_RU = (
    "Ваше сообщение не может быть доставлено следующим получателям:\n\n  gone@client.example\n"
    "    Почтовый ящик не существует (550 5.1.1).\n\nСообщение сгенерировано сервером Kerio Connect.\n"
)
MIMECAST = (
    "Your message couldn't be delivered to the recipients shown below.\n\nSubject: [#2081] Ваша заявка\n"
    "Recipient: gone@client.example\nReason: The recipient address is not valid on this system.\n"
)
BARRACUDA = (
    "** Message delivery failure **\n\nYour message to gone@client.example was blocked by our bulk email "
    "filter.\n\nReason: 550 Message rejected by policy.\n"
)
SES = "An error occurred while trying to deliver the mail to the following recipients:\ngone@client.example\n"


def bounces() -> None:
    english()
    exchange()
    providers()
    russian_and_german()
    japanese()
    other_servers()


def english() -> None:
    mta = "mx.servicedesk.example"
    postfix_headers = ("Auto-Submitted: auto-replied",)
    bounce(
        "postfix_report",
        sender=f"MAILER-DAEMON@{mta} (Mail Delivery System)",
        subject="Undelivered Mail Returned to Sender",
        text=POSTFIX.format(mta=mta),
        mta=mta,
        extra=postfix_headers,
        return_path=True,
    )
    bounce(
        "postfix_delayed",
        sender=f"MAILER-DAEMON@{mta} (Mail Delivery System)",
        subject="Delayed Mail (still being retried)",
        text=POSTFIX.format(mta=mta).replace("could not\nbe delivered", "has been delayed"),
        action="delayed",
        status="4.4.1",
        extra=postfix_headers,
        headers_only=True,
    )
    bounce(
        "postfix_forwarded_without_return_path",
        sender="Mail Delivery System <MAILER-DAEMON@relay.client.example>",
        subject="Undelivered Mail Returned to Sender",
        text=POSTFIX.format(mta="relay.client.example"),
    )
    bounce(
        "exim_plain",
        sender="Mail Delivery System <Mailer-Daemon@mail.hosting.example>",
        subject="Mail delivery failed: returning message to sender",
        text=EXIM,
        shape="plain",
        extra=("X-Failed-Recipients: gone@client.example", "Auto-Submitted: auto-replied"),
        return_path=True,
    )
    bounce(
        "exim_cpanel_mixed",
        sender="Mail Delivery System <Mailer-Daemon@server42.shared-hosting.example>",
        subject="Mail delivery failed: returning message to sender",
        text=EXIM,
        shape="mixed",
    )
    bounce(
        "exim_delay_warning",
        sender="Mail Delivery System <Mailer-Daemon@mail.hosting.example>",
        subject="Warning: message 1w4Xyz-0003Ab-9Q delayed 24 hours",
        text="This message was created automatically by mail delivery software.\nA message that you sent has "
        "not yet been delivered to one or more of its\nrecipients after more than 24 hours on the queue.\n",
        shape="plain",
        extra=("X-Failed-Recipients: gone@client.example",),
    )
    bounce(
        "sendmail_report",
        sender="Mail Delivery Subsystem <MAILER-DAEMON@mail.client.example>",
        subject="Returned mail: see transcript for details",
        text=SENDMAIL,
        return_path=True,
    )
    bounce(
        "sendmail_user_unknown_plain",
        sender="Mail Delivery Subsystem <MAILER-DAEMON@old.client.example>",
        subject="Returned mail: User unknown",
        text=SENDMAIL,
        shape="plain",
    )
    bounce(
        "sendmail_warning",
        sender="Mail Delivery Subsystem <MAILER-DAEMON@mail.client.example>",
        subject="Warning: could not send message for past 4 hours",
        text="    **********************************************\n    **      THIS IS A WARNING MESSAGE ONLY      "
        "**\n    **  YOU DO NOT NEED TO RESEND YOUR MESSAGE  **\n    **********************************************\n",
        action="delayed",
        status="4.4.7",
        headers_only=True,
    )
    bounce(
        "qmail_plain",
        sender="MAILER-DAEMON@mail.client.example",
        subject="failure notice",
        text=QMAIL.format(mta="mail.client.example"),
        shape="plain",
    )
    bounce(
        "qmail_capitalised",
        sender="MAILER-DAEMON@vps.client.example",
        subject="Failure Notice",
        text=QMAIL.format(mta="vps.client.example"),
        shape="plain",
        return_path=True,
    )


def exchange() -> None:
    guid = "MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@client.example"
    ndr = ("X-MS-Exchange-Message-Is-Ndr:", "Auto-Submitted: auto-replied", "X-Auto-Response-Suppress: All")
    table = [
        (
            "exchange_online_en",
            "Microsoft Outlook <postmaster@client.onmicrosoft.example>",
            "Undeliverable: [#2030] Ваша заявка зарегистрирована",
            EXCHANGE_EN,
            ndr,
        ),
        (
            "exchange_2010_en_guid_sender",
            f"Microsoft Outlook <{guid}>",
            "Undeliverable: [#2031] Ваша заявка зарегистрирована",
            EXCHANGE_2010,
            (),
        ),
        (
            "exchange_ru",
            f"Microsoft Outlook <{guid}>",
            ew("Не удается доставить: [#2032] Ваша заявка зарегистрирована"),
            EXCHANGE_RU,
            (),
        ),
        (
            "exchange_ru_postmaster",
            "postmaster@client.example",
            ew("Не доставлено: [#2033] Ваша заявка зарегистрирована"),
            EXCHANGE_RU,
            ndr,
        ),
        (
            "exchange_de",
            f"Microsoft Outlook <{guid}>",
            ew("Unzustellbar: [#2034] Ваша заявка зарегистрирована"),
            EXCHANGE_DE,
            (),
        ),
        (
            "exchange_fr",
            f"Microsoft Outlook <{guid}>",
            ew("Non remis : [#2035] Ваша заявка зарегистрирована"),
            EXCHANGE_FR,
            (),
        ),
        (
            "exchange_es",
            f"Microsoft Outlook <{guid}>",
            ew("No se puede entregar: [#2036] Ваша заявка зарегистрирована"),
            EXCHANGE_ES,
            (),
        ),
        (
            "exchange_it",
            f"Microsoft Outlook <{guid}>",
            ew("Non recapitabile: [#2037] Ваша заявка зарегистрирована"),
            EXCHANGE_IT,
            (),
        ),
        (
            "exchange_nl",
            f"Microsoft Outlook <{guid}>",
            ew("Onbestelbaar: [#2038] Ваша заявка зарегистрирована"),
            EXCHANGE_NL,
            (),
        ),
        (
            "exchange_pl",
            f"Microsoft Outlook <{guid}>",
            ew("Niedostarczalne: [#2039] Ваша заявка зарегистрирована"),
            EXCHANGE_PL,
            (),
        ),
        (
            "exchange_ja",
            f"Microsoft Outlook <{guid}>",
            ew("配信不能: [#2040] Ваша заявка зарегистрирована"),
            EXCHANGE_JA,
            (),
        ),
        (
            "exchange_2003_system_administrator",
            "System Administrator <postmaster@client.example>",
            "Undeliverable: [#2041] Ваша заявка зарегистрирована",
            EXCHANGE_2003,
            (),
        ),
        (
            "exchange_delayed_ru",
            f"Microsoft Outlook <{guid}>",
            ew("Задержка доставки: [#2042] Ваша заявка зарегистрирована"),
            "Доставка следующим получателям или группам задерживается:\n\ngone@client.example\n",
            (),
        ),
        (
            "exchange_relayed_de",
            "Microsoft Outlook <postmaster@firma.example>",
            ew("Nicht zustellbar: [#2043] Ваша заявка зарегистрирована"),
            EXCHANGE_DE,
            (),
        ),
    ]
    for name, sender, subject, text, extra in table:
        shape = "mixed" if name == "exchange_2003_system_administrator" else "report"
        action = "delayed" if "delayed" in name else "failed"
        bounce(name, sender=sender, subject=subject, text=text, extra=extra, shape=shape, action=action, crlf=True)


def providers() -> None:
    bounce(
        "gmail_failure",
        sender="Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
        subject="Delivery Status Notification (Failure)",
        text=GMAIL,
        extra=("X-Failed-Recipients: gone@client.example", "Auto-Submitted: auto-replied"),
        headers_only=True,
    )
    bounce(
        "gmail_failure_ru",
        sender="Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
        subject=ew("Уведомление о статусе доставки (ошибка)"),
        text=GMAIL_RU,
        extra=("X-Failed-Recipients: gone@client.example",),
    )
    bounce(
        "gmail_delay",
        sender="Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
        subject="Delivery Status Notification (Delay)",
        text=GMAIL_DELAY,
        action="delayed",
        status="4.4.1",
    )
    bounce(
        "google_workspace_message_not_delivered",
        sender="Mail Delivery Subsystem <mailer-daemon@google.com>",
        subject="Message not delivered",
        text="There was a problem delivering your message to gone@client.example. See the technical details below.\n",
        shape="mixed",
    )
    bounce(
        "yahoo_failure_notice",
        sender="MAILER-DAEMON@yahoo.com",
        subject="Failure Notice",
        text=YAHOO,
        shape="plain",
    )
    bounce(
        "aol_mail_delivery_problem",
        sender="Mail Delivery Subsystem <MAILER-DAEMON@aol.com>",
        subject="Mail Delivery Problem",
        text=YAHOO,
        shape="mixed",
    )
    bounce(
        "outlook_com_undeliverable",
        sender="postmaster@outlook.com",
        subject="Undeliverable: [#2050] Ваша заявка зарегистрирована",
        text=EXCHANGE_EN,
        extra=("X-MS-Exchange-Message-Is-Ndr:",),
    )
    bounce(
        "icloud_dsn",
        sender="Mail Delivery System <MAILER-DAEMON@icloud.com>",
        subject="Delivery Status Notification (Failure)",
        text=POSTFIX.format(mta="mr85p00im-ztdg06021801.me.com"),
    )
    bounce(
        "amazon_ses",
        sender="MAILER-DAEMON@amazonses.com",
        subject="Delivery Status Notification (Failure)",
        text=SES,
        return_path=True,
    )
    bounce(
        "mailru_failure",
        sender="Mail Delivery System <mailer-daemon@corp.mail.ru>",
        subject="Mail failure.",
        text=MAILRU,
        shape="mixed",
    )
    bounce(
        "mailru_ru",
        sender=f"{ew('Почтовая служба Mail.ru')} <mailer-daemon@mail.ru>",
        subject=ew("Недоставленное сообщение"),
        text=MAILRU,
    )
    bounce(
        "yandex_undelivered",
        sender="mailer-daemon@yandex.ru",
        subject=ew("Недоставленное сообщение"),
        text=YANDEX,
        return_path=True,
    )
    bounce(
        "yandex_quota",
        sender=f"{ew('Почтовый робот Яндекса')} <mailer-daemon@yandex.ru>",
        subject=ew("Ошибка доставки"),
        text=YANDEX_QUOTA,
        shape="mixed",
        status="4.2.2",
    )
    bounce(
        "rambler_returned",
        sender="Mail Delivery Subsystem <MAILER-DAEMON@rambler.ru>",
        subject="Returned mail: see transcript for details",
        text=SENDMAIL,
    )


def russian_and_german() -> None:
    bounce(
        "ru_postfix_localised",
        sender=f"{ew('Почтовая система')} <MAILER-DAEMON@mail.client.ru>",
        subject=ew("Недоставленное сообщение"),
        text=RU_POSTFIX.format(mta="mail.client.ru"),
    )
    bounce(
        "ru_plain_delivery_error",
        sender=f"{ew('Служба доставки почты')} <noreply@mail.client.ru>",
        subject=ew("Ошибка доставки сообщения"),
        text=RU_PLAIN,
        shape="mixed",
    )
    bounce(
        "ru_cp1251_plain",
        sender=f"{ew('Почтовая служба', 'windows-1251')} <mail-daemon@gov.client.ru>",
        subject=ew("Сообщение не доставлено", "koi8-r"),
        text=RU_PLAIN,
        charset="windows-1251",
        shape="plain",
    )
    bounce(
        "ru_notice_of_nondelivery",
        sender=f"{ew('Почтовый сервер')} <robot@mx.client.ru>",
        subject=ew("Уведомление о недоставке: [#2063] Ваша заявка зарегистрирована"),
        text=RU_PLAIN,
    )
    bounce(
        "kerio_ru",
        sender=f"{ew('Почтовый сервер Kerio Connect')} <kerio@client.ru>",
        subject=ew("Уведомление о статусе доставки (неудачно)"),
        text=KERIO_RU,
    )
    bounce(
        "gmx_de",
        sender="Mail Delivery System <mailer-daemon@gmx.net>",
        subject=ew("Zustellung fehlgeschlagen"),
        text=DE_GMX,
        shape="mixed",
        charset="iso-8859-1",
    )
    bounce(
        "tonline_de",
        sender="Mail Delivery System <MAILER-DAEMON@t-online.de>",
        subject=ew("Nicht zustellbare Nachricht"),
        text=DE_TONLINE,
        shape="plain",
    )
    bounce(
        "de_postfix_localised",
        sender="MAILER-DAEMON@mx.firma.example (Mail Delivery System)",
        subject=ew("Unzustellbare Nachricht an Absender zurückgeschickt"),
        text=DE_POSTFIX.format(mta="mx.firma.example"),
    )
    bounce(
        "de_returned_mail",
        sender="Mailverwaltung <mailsystem@firma.example>",
        subject="Returned mail: Unzustellbar",
        text=DE_TONLINE,
        shape="mixed",
    )


def japanese() -> None:
    bounce(
        "docomo_error_notice",
        sender="Mail Delivery Subsystem <MAILER-DAEMON@docomo.example.jp>",
        subject=ew("メールエラー通知", "iso-2022-jp"),
        text=JA_DOCOMO,
        charset="iso-2022-jp",
        shape="mixed",
    )
    bounce(
        "au_error_notice",
        sender=f"{ew('au メール管理者', 'iso-2022-jp')} <mail-admin@au.example.jp>",
        subject=ew("メールエラー通知", "iso-2022-jp"),
        text=JA_AU,
        charset="iso-2022-jp",
        shape="plain",
    )
    bounce(
        "softbank_undeliverable",
        sender="postmaster@softbank.example.jp",
        subject=ew("配送エラー", "iso-2022-jp"),
        text=JA_SOFTBANK,
        charset="iso-2022-jp",
        shape="mixed",
    )
    bounce(
        "ja_provider_sjis",
        sender=f"{ew('メールシステム', 'shift_jis')} <system@isp.example.jp>",
        subject=ew("送信エラー: メールを配信できませんでした", "shift_jis"),
        text=JA_AU,
        charset="shift_jis",
        shape="mixed",
    )


def other_servers() -> None:
    bounce(
        "domino_delivery_failure",
        sender="Postmaster <Postmaster@notes.client.example>",
        subject="DELIVERY FAILURE: User gone (gone@client.example) not listed in Domino Directory",
        text=DOMINO,
        shape="mixed",
    )
    bounce(
        "groupwise_undeliverable",
        sender="GroupWise Internet Agent <gwia@gw.client.example>",
        subject="Message status - undeliverable",
        text=GROUPWISE,
        shape="mixed",
    )
    bounce(
        "mdaemon_permanent",
        sender="MDaemon@mail.client.example",
        subject="Permanent Delivery Failure",
        text=MDAEMON,
        shape="mixed",
    )
    bounce(
        "communigate_undeliverable",
        sender="MAILER-DAEMON@cgp.client.example",
        subject="Undeliverable mail: [#2093] Ваша заявка зарегистрирована",
        text=COMMUNIGATE.format(mta="cgp.client.example"),
        shape="mixed",
    )
    bounce(
        "mimecast_failure",
        sender="Mimecast Delivery Notification <postmaster@mimecast.example>",
        subject="Mimecast Delivery Failure: [#2081] Ваша заявка зарегистрирована",
        text=MIMECAST,
        shape="mixed",
    )
    bounce(
        "barracuda_blocked",
        sender="Barracuda Email Security <bounce@barracuda.client.example>",
        subject="**Message you sent blocked by our bulk email filter**",
        text=BARRACUDA,
        shape="mixed",
    )
    bounce(
        "postmaster_re_subject",
        sender="postmaster@client.example",
        subject="Re: [#2095] Ваша заявка зарегистрирована",
        text="Your message could not be delivered: the mailbox gone@client.example is disabled.\n",
        shape="plain",
    )
    bounce(
        "mailer_daemon_re_subject",
        sender="MAILER-DAEMON <mailer-daemon@mx.client.example>",
        subject="Re: [#2096] Ваша заявка зарегистрирована",
        text="Message rejected: mailbox unavailable.\n",
        shape="plain",
    )
    bounce(
        "mailer_daemon_without_domain",
        sender="MAILER-DAEMON (Mail Delivery Subsystem)",
        subject="Returned mail: Host unknown",
        text=SENDMAIL,
        shape="plain",
    )
    bounce(
        "zimbra_postfix",
        sender="MAILER-DAEMON@zimbra.client.example (Mail Delivery System)",
        subject="Undelivered Mail Returned to Sender",
        text=POSTFIX.format(mta="zimbra.client.example"),
    )
    bounce(
        "delivered_receipt",
        sender="postmaster@client.example",
        subject="Delivered: [#2098] Ваша заявка зарегистрирована",
        text="Your message has been delivered to the following recipients:\n\nivan@client.example\n",
        action="delivered",
        status="2.0.0",
        diagnostic="smtp; 250 2.0.0 OK",
    )

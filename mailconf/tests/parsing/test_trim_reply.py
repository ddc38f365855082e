"""reply_text keeps the new part of a reply: quotes and a trailing signature go, content stays."""

from __future__ import annotations

import pytest

from mailconf.parsing import REPLY_MARKER, parse_message, trim_reply

from .helpers import raw_message

NEW = "Принтер заработал, спасибо."


@pytest.mark.parametrize(
    "history",
    [
        "-----Original Message-----\nFrom: Support\nSent: Monday\nSubject: x\n\nold text",
        "-----Исходное сообщение-----\nОт: Поддержка\nОтправлено: 22 ноября 2026 г.\n\nold text",
        "On Sun, Nov 22, 2026 at 10:00 AM Support <support@x.example> wrote:\n> old text",
        "On Sun, Nov 22, 2026 at 10:00 AM Support Desk <\nsupport@x.example> wrote:\n> old text",
        "22.11.2026 10:00, Поддержка пишет:\n> old text",
        "22 ноября 2026 г., в 10:00, Поддержка <support@x.example> написал(а):\n> old text",
        "пн, 22 нояб. 2026 г. в 10:15, Поддержка <support@x.example>:\n\n> old text",
        '22.11.2026, 10:15, "Поддержка" <support@x.example>:\n> old text',
        "Среда, 22 ноября 2026, 10:15 +03:00 от Поддержка <support@x.example>:\n>old text",
        "От: Поддержка <support@x.example>\nОтправлено: 22 ноября 2026 г. 10:15\nКому: Иван\nТема: [#5]\n\nold text",
        "________________________________\nFrom: Support <support@x.example>\nSent: Sunday\nTo: Ivan\n"
        "Subject: [#5]\n\nold text",
        "From: Support <support@x.example>\nDate: Sun, 22 Nov 2026\nTo: Ivan\nSubject: [#5]\n\nold text",
        f"{REPLY_MARKER}\nold text",
        f"> {REPLY_MARKER}\n> old text",
        "> old text\n> more old text",
    ],
)
def test_quoted_history_is_cut(history: str) -> None:
    text = f"{NEW}\n\n{history}\n"
    assert trim_reply(text) == NEW


@pytest.mark.parametrize(
    "signature",
    [
        "-- \nИван Петров\nтел. 123",
        "--\nIvan",
        "Sent from my iPhone",
        "Отправлено с iPhone",
        "Отправлено из мобильной Почты Mail.ru",
        "Get Outlook for Android",
        "С уважением,\nИван Петров\nООО «Ромашка»\n+7 495 000-00-00",
        "Best regards,\nJohn",
        "С уважением, Иван",
    ],
)
def test_trailing_signature_is_cut(signature: str) -> None:
    assert trim_reply(f"{NEW}\n\n{signature}\n") == NEW


def test_signature_marker_followed_by_long_text_is_content() -> None:
    long_tail = "\n".join(f"строка {i} с важными подробностями" for i in range(12))
    text = f"{NEW}\n\nС уважением,\n{long_tail}"
    assert trim_reply(text) == text


def test_markers_inside_sentences_are_not_cuts() -> None:
    text = (
        "В письме от поставщика было написано: From: the warehouse we get errors.\n"
        "С уважением к срокам, прошу сделать сегодня.\nЕщё одна строка."
    )
    assert trim_reply(text) == text


def test_interleaved_answers_keep_the_new_lines() -> None:
    text = "> Какая версия?\n1.2.3\n> Какая ОС?\nWindows 11"
    assert trim_reply(text) == "1.2.3\nWindows 11"


def test_quote_only_message_gives_empty_reply() -> None:
    assert trim_reply("> old\n> text") == ""


def test_parsed_message_keeps_full_text_and_trims_reply() -> None:
    body = f"{NEW}\n\nOn Sun, 22 Nov 2026 Support <s@x.example> wrote:\n> old text\n".encode()
    parsed = parse_message(raw_message("Subject: Re: [#5] x", "Content-Type: text/plain; charset=utf-8", body=body))
    assert parsed.reply_text == NEW
    assert "> old text" in parsed.text


def test_reply_marker_text_is_stable() -> None:
    assert REPLY_MARKER == "##- Please type your reply above this line -##"

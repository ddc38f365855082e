"""Bodies in declared, wrong, missing and bogus charsets come out as the sender's text."""

from __future__ import annotations

import os

import pytest

from mailconf.parsing import parse_message
from mailconf.parsing.charset import decode_bytes, guess_cyrillic, normalize_charset

from .helpers import raw_message

RUSSIAN = "Добрый день! Прошу восстановить доступ к общей папке бухгалтерии, пароль не подходит."


@pytest.mark.parametrize("codec", ["cp1251", "koi8_r", "cp866", "iso-8859-5"])
def test_detect_cyrillic_without_charset(codec: str) -> None:
    assert decode_bytes(RUSSIAN.encode(codec)) == RUSSIAN
    assert guess_cyrillic(RUSSIAN.encode(codec)) == codec


@pytest.mark.parametrize("codec", ["cp1251", "koi8_r"])
def test_detect_short_cyrillic_subject(codec: str) -> None:
    assert decode_bytes("Принтер не печатает".encode(codec)) == "Принтер не печатает"


def test_declared_charset_wins_when_it_decodes() -> None:
    data = "Ошибка".encode("koi8_r")
    assert decode_bytes(data, "koi8-r") == "Ошибка"


def test_wrong_declared_charset_falls_back_to_utf8() -> None:
    # The bytes are valid UTF-8 but not valid us-ascii: strict declared decoding fails first.
    assert decode_bytes("Заявка".encode(), "us-ascii") == "Заявка"


def test_declared_utf8_that_is_really_cp1251() -> None:
    assert decode_bytes(RUSSIAN.encode("cp1251"), "utf-8") == RUSSIAN


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ("unknown-8bit", None),
        ("x-user-defined", None),
        ("cp-850", "cp850"),
        ("utf8", "utf-8"),
        ("win-1251", "cp1251"),
        ("Windows-1251", "cp1251"),
        ("ks_c_5601-1987", "cp949"),
        ("gb2312", "gb18030"),
        ("x-mac-cyrillic", "mac_cyrillic"),
        ("UTF-8*ru", "utf-8"),
        ('"koi8-r"', "koi8-r"),
        ("no-such", None),
    ],
)
def test_normalize_bogus_charset_names(declared: str, expected: str | None) -> None:
    assert normalize_charset(declared) == expected


@pytest.mark.parametrize(
    ("charset", "codec", "text"),
    [
        ("iso-2022-jp", "iso2022_jp", "明日の会議"),
        ("shift_jis", "cp932", "①番の資料"),
        ("gb2312", "gbk", "报告镕"),
        ("big5", "big5", "資料"),
        ("euc-kr", "cp949", "안녕하세요"),
        ("mac-cyrillic", "mac_cyrillic", "Привет"),
    ],
)
def test_decode_declared_asian_and_legacy_charsets(charset: str, codec: str, text: str) -> None:
    raw = raw_message("Subject: x", f"Content-Type: text/plain; charset={charset}", body=text.encode(codec))
    assert parse_message(raw).text == text


def test_windows_1251_body_without_charset_parameter() -> None:
    raw = raw_message(
        "Subject: x", "Content-Type: text/plain", "Content-Transfer-Encoding: 8bit", body=RUSSIAN.encode("cp1251")
    )
    assert parse_message(raw).text == RUSSIAN


def test_decode_random_bytes_never_raises() -> None:
    for seed in range(20):
        data = os.urandom(200 + seed)
        assert isinstance(decode_bytes(data, "utf-8"), str)
        assert isinstance(decode_bytes(data, "bogus"), str)


# --- Japanese and unknown labels (issue 9, section 4) ---------------------------------------------


def test_iso2022jp_with_nec_specials_and_halfwidth_kana() -> None:
    """CP50220 as Japanese carriers send it: ① and ㈱ (JIS row 13) and ESC ( I katakana."""
    data = "お知らせ".encode("iso2022_jp") + b"\x1b$B-!-j\x1b(B \x1b(I6^\x1b(B"
    assert decode_bytes(data, "ISO-2022-JP") == "お知らせ①㈱ ｶﾞ"


@pytest.mark.parametrize("label", [None, "NONE", "us-ascii", "utf-8", "x-unknown"])
def test_iso2022jp_is_recognised_by_its_escapes_whatever_the_label(label: str | None) -> None:
    assert decode_bytes("メールエラー通知".encode("iso2022_jp"), label) == "メールエラー通知"


@pytest.mark.parametrize("codec", ["cp932", "euc_jp"])
def test_japanese_without_a_usable_label(codec: str) -> None:
    text = "お問い合わせありがとうございます"
    assert decode_bytes(text.encode(codec), "NONE") == text


def test_latin_accents_are_not_taken_for_russian() -> None:
    assert decode_bytes("Grüße aus München, Café".encode("cp1252"), "bogus") == "Grüße aus München, Café"


@pytest.mark.parametrize("codec", ["cp1251", "koi8_r"])
def test_russian_is_not_taken_for_japanese_or_latin(codec: str) -> None:
    for text in ("Заявка", "Недоставленное сообщение", "Я в отпуске"):
        assert decode_bytes(text.encode(codec), "NONE") == text

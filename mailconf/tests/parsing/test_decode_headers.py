"""Header values: RFC 2047 words (also malformed), raw 8-bit, addresses, ids and dates."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone

import pytest

from mailconf.parsing import parse_message
from mailconf.parsing.headers import (
    decode_header_value,
    parse_addresses,
    parse_date,
    parse_message_ids,
    strip_comments,
)

from .helpers import raw_message


def _b(data: bytes, charset: str = "utf-8") -> str:
    return f"=?{charset}?B?{base64.b64encode(data).decode()}?="


def test_adjacent_words_split_inside_a_character() -> None:
    data = "Счёт".encode()
    assert decode_header_value(f"{_b(data[:3])} {_b(data[3:], 'UTF-8')}") == "Счёт"


def test_words_glued_without_whitespace() -> None:
    value = _b("Акт".encode()) + _b(" сверки".encode("koi8_r"), "koi8-r") + "tail"
    assert decode_header_value(value) == "Акт сверкиtail"


def test_whitespace_between_word_and_text_is_kept() -> None:
    assert decode_header_value(f"Re: {_b('Заявка'.encode())} done") == "Re: Заявка done"


def test_wrong_charset_name_in_word() -> None:
    assert decode_header_value(_b("Привет".encode("cp1251"), "win-1251")) == "Привет"
    assert decode_header_value(_b("Привет".encode("cp1251"), "no-such-charset")) == "Привет"


def test_word_with_broken_base64_padding() -> None:
    word = _b("Привет".encode()).replace("=?=", "?=").rstrip("=") + "="
    assert "Привет" in decode_header_value(word.replace("==?=", "?="))


def test_quoted_printable_word_with_underscores() -> None:
    assert decode_header_value("=?koi8-r?Q?=F0=D2=C9=D7=C5=D4_=CD=C9=D2?=") == "Привет мир"


def test_raw_8bit_subject_in_cp1251_and_utf8() -> None:
    for codec in ("cp1251", "utf-8"):
        raw = raw_message(b"Subject: Re: " + "Не работает почта".encode(codec))
        assert parse_message(raw).subject == "Re: Не работает почта"


def test_subject_is_unfolded_and_single_line() -> None:
    raw = raw_message("Subject: first\n second\r\n\tthird", "X-Other: y")
    assert parse_message(raw).subject == "first second third"


def test_from_with_two_addresses_takes_the_first_lowercased() -> None:
    parsed = parse_message(raw_message('From: "Ivanov" <Ivanov@X.ru> <other@y.ru>'))
    assert parsed.from_ is not None
    assert (parsed.from_.name, parsed.from_.address) == ("Ivanov", "ivanov@x.ru")


def test_encoded_display_name_with_comma_does_not_split_address_list() -> None:
    value = f'{_b("Петров, Пётр".encode())} <petrov@x.ru>, "Doe, John" <JOHN@x.ru>'
    assert [(a.name, a.address) for a in parse_addresses([value])] == [
        ("Петров, Пётр", "petrov@x.ru"),
        ("Doe, John", "john@x.ru"),
    ]


def test_garbage_address_list_gives_nothing_or_what_is_recognisable() -> None:
    assert parse_addresses(["garbage ;;; <<>>"]) == []
    assert [a.address for a in parse_addresses(["undisclosed-recipients:;", "junk petrov@y.ru junk"])] == [
        "petrov@y.ru"
    ]


def test_missing_from_falls_back_to_sender_then_return_path() -> None:
    parsed = parse_message(b"Sender: Robot <ROBOT@x.example>\nSubject: s\n\nb")
    assert parsed.from_ is not None and parsed.from_.address == "robot@x.example"
    parsed = parse_message(b"Return-Path: <bounces@x.example>\nSubject: s\n\nb")
    assert parsed.from_ is not None and parsed.from_.address == "bounces@x.example"
    assert parse_message(b"Subject: s\n\nb").from_ is None


def test_message_ids_are_normalised_and_robust() -> None:
    assert parse_message_ids(" <a@b>\n <c@d> (comment) <a@b>") == ["a@b", "c@d"]
    assert parse_message_ids("a@b, c@d") == ["a@b", "c@d"]
    assert parse_message_ids("no ids here") == []
    parsed = parse_message(raw_message("Message-ID: <  abc@x.example >", "In-Reply-To: <p@x> (Ivan's message)"))
    assert (parsed.message_id, parsed.in_reply_to) == ("abc@x.example", "p@x")


def test_missing_message_id_is_synthesized_stably_from_the_bytes() -> None:
    raw = raw_message("Subject: no id")
    first, second = parse_message(raw), parse_message(raw)
    other = parse_message(raw + b"x")
    assert first.message_id_synthesized
    assert first.message_id == second.message_id != other.message_id
    assert "<" not in first.message_id and "@" in first.message_id


def test_dates_are_aware_or_none() -> None:
    assert parse_date("Sun, 22 Nov 2026 10:15:00 +0300") == datetime(
        2026, 11, 22, 10, 15, tzinfo=timezone(timedelta(hours=3))
    )
    assert parse_date("22 Nov 2026 10:15:00 -0000") == datetime(2026, 11, 22, 10, 15, tzinfo=UTC)
    for garbage in ("yesterday", "32 Foo 20x6 99:99", "", "Sun, 22 Nov 99999 10:15:00 +0300"):
        assert parse_date(garbage) is None


def test_rfc5322_obsolete_address_syntax() -> None:
    """Comments inside addresses (appendix A.5), groups, quoted local parts, spaces around dots."""
    cases = {
        "Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>": ("Pete", "pete@silly.test"),
        "A Group(Some people):Chris Jones <c@(Chris's host.)public.example>, joe@example.org;": (
            "Chris Jones",
            "c@public.example",
        ),
        '"Joe Q. Public" <"joe q.public"@example.com>': ("Joe Q. Public", '"joe q.public"@example.com'),
        '<"john.doe"@Example.COM>': ("", "john.doe@example.com"),
        "john . doe @ example . org (John Doe)": ("John Doe", "john.doe@example.org"),
        "Mary Smith <@node.test:mary@example.net>": ("Mary Smith", "mary@example.net"),
    }
    for value, (name, address) in cases.items():
        found = parse_addresses([value])
        assert (found[0].name, found[0].address) == (name, address), value
    assert parse_addresses(["(Empty list)(start)Hidden recipients  :(nobody(that I know))  ;"]) == []


def test_comments_keep_quoted_parentheses() -> None:
    assert strip_comments('"Ivanov (IT)" <a(x)@b.example>') == '"Ivanov (IT)" <a @b.example>'


@pytest.mark.parametrize(
    ("headers", "source"),
    [
        ((b"From: a@x.example", b"Sender: b@x.example"), "From"),
        ((b"From: garbage", b"Sender: b@x.example", b"Reply-To: c@x.example"), "Sender"),
        ((b"Reply-To: c@x.example", b"Return-Path: <d@x.example>"), "Reply-To"),
        ((b"Return-Path: <d@x.example>",), "Return-Path"),
    ],
)
def test_author_fallback_order_is_recorded(headers: tuple[bytes, ...], source: str) -> None:
    parsed = parse_message(b"\n".join(headers) + b"\nSubject: s\n\nbody")
    assert parsed.from_source == source
    assert (parsed.from_note == "") is (source == "From")
    assert parsed.from_note in " ".join(parsed.warnings)

"""Public real-world mail parses: never a crash, quickly, and with the reply text people expect.

The messages come from the test suites of talon, mail-parser, CPython and SpamAssassin (see
the NOTICE in each folder). The sweep over all of them found no crash; the expectations below
pin what they exposed: attributions wrapped over several lines or written in Dutch, Polish,
Swedish or Vietnamese, header blocks starting with Date, bottom-posted replies, forwards kept
whole, multiparts whose boundary is wrong or cut short, parts after a premature closing
delimiter, and binary files that are not mail at all.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from mailconf.parsing import ParseError, parse_message, trim_reply

HERE = Path(__file__).resolve().parent
COLLECTIONS = ("talon", "mail_parser", "cpython", "spamassassin")
MAIL_FILES = sorted(
    p
    for name in COLLECTIONS
    for p in (HERE / name).iterdir()
    if p.is_file()
    and p.suffix != ".json"
    and not p.name.startswith(("LICENSE", "NOTICE"))
    and not p.name.endswith("_reply_text")
)
TALON = HERE / "talon"
_WS = re.compile(r"\s+")
# The files the parser refuses, with the reason it must give (an Outlook .msg is a binary
# compound file, not mail). Every other file must parse.
REFUSED = {"mail_parser/mail_outlook_1": "not an RFC 5322 message"}


def _name(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def test_collection_is_present() -> None:
    assert len(MAIL_FILES) >= 40
    assert {p.parent.name for p in MAIL_FILES} == set(COLLECTIONS)
    assert set(REFUSED) <= {_name(p) for p in MAIL_FILES}, "a refused file left the collection"


@pytest.mark.parametrize("path", MAIL_FILES, ids=_name)
def test_parse_real_message_without_crash(path: Path) -> None:
    started = time.perf_counter()
    if _name(path) in REFUSED:
        with pytest.raises(ParseError, match=REFUSED[_name(path)]):
            parse_message(path.read_bytes())
    else:
        parsed = parse_message(path.read_bytes())
        assert isinstance(parsed.text, str) and isinstance(parsed.reply_text, str)
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize("path", sorted(TALON.glob("*.eml")), ids=lambda p: p.name)
def test_talon_standard_reply_text(path: Path) -> None:
    if path.name == "reply-quotations-share-block.eml":
        parsed = parse_message(path.read_bytes())
        assert parsed.reply_text and "From" not in parsed.reply_text
        return
    expected_file = path.with_name(path.stem + "_reply_text")
    expected = expected_file.read_text(encoding="utf-8").strip() if expected_file.exists() else "Hello"
    # talon keeps signatures; our reply_text drops a short trailing one ("Sent from my iPhone").
    assert parse_message(path.read_bytes()).reply_text.strip() == trim_reply(expected).strip()


@pytest.mark.parametrize("path", sorted((TALON / "html_replies").glob("*.html")), ids=lambda p: p.name)
def test_talon_html_reply_text(path: Path) -> None:
    raw = (
        b"From: alex@example.com\nTo: support@example.com\nSubject: Re: Test message\nMIME-Version: 1.0\n"
        b"Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + path.read_bytes()
    )
    assert _WS.sub("", parse_message(raw).reply_text) == "Hi.Iamfine.Thanks,Alex"


QUOTATIONS = json.loads((TALON / "quotations.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", QUOTATIONS, ids=lambda c: c["name"])
def test_talon_quotation_cases(case: dict) -> None:
    assert trim_reply(case["body"]) == case["reply_text"]


@pytest.mark.parametrize(
    ("name", "subject", "sender", "files"),
    [
        ("mail_parser/mail_malformed_2", "Delivery failure (abh@netpar.com.br)", "postmaster@netpar.com.br", None),
        ("mail_parser/mail_test_12", "代开各地增值税发票", "baoguan@hotmail.com", []),
        (
            "mail_parser/mail_test_9",
            "我把镜头拉近些，你们看看这个是什么屄，这种场合自然少不了内射",
            "zyb@sgis.com.cn",
            [],
        ),
        (
            "mail_parser/mail_test_17",
            "Transferencia Interbancaria Banca en Línea",
            "notificaccion-clientes@bbva.mx",
            [],
        ),
        ("mail_parser/mail_test_14", "Test", "example@example.com", ["image-1.png"]),
        ("cpython/msg_07.txt", "Here is your dingus fish", "barry@digicool.com", ["dingusfish.gif"]),
        ("cpython/msg_22.txt", "", "b@example.com", ["wibble.JPG", "wibble2.JPG"]),
        ("cpython/msg_45.txt", "test", "foo@bar.baz", ["signature.asc"]),
        ("spamassassin/sample-nonspam.txt", "TBTF ping for 2001-04-20: Reviving", "dawson@world.std.com", []),
    ],
)
def test_real_message_identity(name: str, subject: str, sender: str, files: list[str] | None) -> None:
    parsed = parse_message((HERE / name).read_bytes())
    assert parsed.subject == subject
    assert parsed.from_ is not None and parsed.from_.address == sender
    if files is not None:
        assert [a.filename for a in parsed.attachments] == files


def test_boundary_that_never_occurs_is_recovered() -> None:
    parsed = parse_message((HERE / "mail_parser" / "mail_malformed_3").read_bytes())
    assert parsed.text.startswith("Problemas para visualizar")
    assert "Content-Type" not in parsed.text
    assert parsed.html


def test_truncated_boundary_of_a_bounce_is_recovered() -> None:
    parsed = parse_message((HERE / "cpython" / "msg_25.txt").read_bytes())
    assert parsed.text.startswith("The original message was received")
    assert parsed.is_bounce and parsed.bounce is not None
    assert [(r.address, r.status) for r in parsed.bounce.failed_recipients] == [("scoffman@wellpartner.com", "5.4.6")]


def test_part_after_premature_closing_delimiter_is_kept() -> None:
    # The structure of mail-parser's mail_malformed_1 (a nested multipart reusing its parent's
    # boundary), rebuilt without its archive attachment, which was a malware sample.
    boundary = "----=Part_0118260_79300441.9934604411926"
    raw = (
        f"From: <femucca@example.it>\nSubject: immagine\nMIME-Version: 1.0\nContent-Type: multipart/mixed;\n"
        f' boundary="{boundary}"\n\n--{boundary}\nContent-Type: multipart/alternative;\n boundary="{boundary}"\n\n'
        f"--{boundary}\nContent-Type: text/plain; charset=utf-8\n\nSee the picture\n--{boundary}\n"
        f"Content-Type: text/html; charset=utf-8\n\n<div>See the picture</div>\n--{boundary}--\n\n--{boundary}\n"
        f'Content-Type: image/jpeg; name="photo.jpg"\nContent-Transfer-Encoding: base64\n\n/9j/4AAQSkZJRgABAQ==\n'
        f"--{boundary}--\n"
    ).encode()
    parsed = parse_message(raw)
    assert parsed.reply_text == "See the picture"
    assert [(a.filename, a.payload[:3]) for a in parsed.attachments] == [("photo.jpg", b"\xff\xd8\xff")]


def test_outlook_msg_file_is_not_mail() -> None:
    with pytest.raises(ParseError, match="not an RFC 5322 message"):
        parse_message((HERE / "mail_parser" / "mail_outlook_1").read_bytes())


def test_forwarded_message_stays_in_reply_text() -> None:
    text = (
        "Посмотрите, пожалуйста.\n\n-------- Пересылаемое сообщение --------\n"
        '22.11.2026, 10:15, "Иван" <ivan@yandex.ru>:\n\nПринтер не печатает.\n'
    )
    assert trim_reply(text) == text.strip("\n")

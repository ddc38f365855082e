"""winmail.dat (TNEF) gives up its files and body; damaged ones stay a plain file."""

from __future__ import annotations

import struct

import pytest

from mailconf.parsing import parse_message
from mailconf.parsing.tnef import TnefError, decompress_rtf, parse_tnef, read_mapi_props
from mailconf.tests.corpus.builders import b64, rtf_literal_lzfu, tnef

from .helpers import raw_message


def test_parse_tnef_files_and_body() -> None:
    data = tnef("Тело письма", [("Отчёт за ноябрь 2026.xlsx", b"xlsx-bytes"), ("a.txt", b"A")])
    message = parse_tnef(data)
    assert message.body == "Тело письма"
    assert [(a.filename, a.data) for a in message.attachments] == [
        ("Отчёт за ноябрь 2026.xlsx", b"xlsx-bytes"),
        ("a.txt", b"A"),
    ]


def test_html_body_from_mapi_properties() -> None:
    message = parse_tnef(tnef("", [], html=b"<p>HTML body</p>"))
    assert message.html == b"<p>HTML body</p>"


def test_decompress_rtf_spec_example() -> None:
    # The compressed example from [MS-OXRTFCP] section 4.1.1 (uses dictionary references).
    data = bytes.fromhex(
        "2d0000002b0000004c5a4675f1c5c7a703000a007263706731323542320af32068656c09002062770 5b06c647d0a800fa0".replace(
            " ", ""
        )
    )
    assert decompress_rtf(data) == b"{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n"


def test_decompress_rtf_literals() -> None:
    rtf = b"{\\rtf1\\ansi Hello from RTF, longer than one block}"
    assert decompress_rtf(rtf_literal_lzfu(rtf)) == rtf


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not tnef at all",
        struct.pack("<IH", 0x223E9F78, 1) + b"\x01\x00\x80",
        struct.pack("<IH", 0x223E9F78, 1) + struct.pack("<BII", 1, 0x00069003, 1000) + b"short",
    ],
)
def test_damaged_tnef_raises(data: bytes) -> None:
    with pytest.raises(TnefError):
        parse_tnef(data)


def test_mapi_property_count_is_bounded() -> None:
    with pytest.raises(TnefError):
        read_mapi_props(struct.pack("<I", 10_000_000))


def test_winmail_in_message_is_unpacked() -> None:
    dat = tnef("Body from Outlook", [("Скан.pdf", b"%PDF")])
    raw = raw_message(
        "Subject: x",
        'Content-Type: multipart/mixed; boundary="b"',
        body=(
            b"--b\nContent-Type: application/ms-tnef; name=winmail.dat\nContent-Transfer-Encoding: base64\n\n"
            + b64(dat)
            + b"\n--b--\n"
        ),
    )
    parsed = parse_message(raw)
    assert parsed.text == "Body from Outlook"
    assert [(a.filename, a.content_type, a.payload) for a in parsed.attachments] == [
        ("Скан.pdf", "application/pdf", b"%PDF")
    ]


def test_damaged_winmail_is_kept_with_a_warning() -> None:
    raw = raw_message(
        "Subject: x",
        "Content-Type: application/octet-stream; name=winmail.dat",
        "Content-Transfer-Encoding: base64",
        body=b64(b"garbage garbage"),
    )
    parsed = parse_message(raw)
    assert [a.filename for a in parsed.attachments] == ["winmail.dat"]
    assert any("winmail.dat" in w for w in parsed.warnings)

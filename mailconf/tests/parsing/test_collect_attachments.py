"""Files carried by a message: decoded safe names, inline images, forwards, uuencode, big bodies."""

from __future__ import annotations

import binascii

import pytest

from mailconf.parsing import parse_message
from mailconf.parsing.filenames import safe_filename
from mailconf.tests.corpus.builders import b64

from .helpers import raw_message


def _mixed(*parts: bytes) -> bytes:
    body = b"".join(b"--b\n" + p + b"\n" for p in parts) + b"--b--\n"
    return raw_message("Subject: files", 'Content-Type: multipart/mixed; boundary="b"', body=body)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (b"Content-Disposition: attachment; filename*=UTF-8''%D0%90%D0%BA%D1%82.pdf", "Акт.pdf"),
        (b"Content-Disposition: attachment;\n filename*0*=utf-8''%D0%94%D0%BE;\n filename*1*=%D0%BA.pdf", "Док.pdf"),
        (
            b'Content-Disposition: attachment;\n filename*0="long name ";\n filename*1="continued.txt"',
            "long name continued.txt",
        ),
        (b"Content-Disposition: attachment; filename*=windows-1251''%D1%F7%E5%F2.xls", "Счет.xls"),
        (b'Content-Disposition: attachment; filename="' + "Счёт.xls".encode() + b'"', "Счёт.xls"),
        (b'Content-Disposition: attachment; filename="' + "Счёт.xls".encode("cp1251") + b'"', "Счёт.xls"),
        (b'Content-Disposition: attachment; filename="=?utf-8?B?0KHRh9GR0YIueGxz?="', "Счёт.xls"),
        (b"Content-Disposition: attachment", "attachment-1.bin"),
        (b'Content-Disposition: attachment; filename="C:\\\\Users\\\\ivan\\\\report.doc"', "report.doc"),
        (b'Content-Disposition: attachment; filename="../../etc/passwd"', "passwd"),
        (b'Content-Disposition: attachment; filename="..."', "attachment-1.bin"),
    ],
)
def test_attachment_filenames(header: bytes, expected: str) -> None:
    parsed = parse_message(_mixed(b"Content-Type: application/octet-stream\n" + header + b"\n\ndata"))
    assert [a.filename for a in parsed.attachments] == [expected]


def test_name_from_content_type_when_no_disposition() -> None:
    part = b'Content-Type: application/pdf; name="=?koi8-r?B?8MnT2M3P?=.pdf"\nContent-Transfer-Encoding: base64\n\n'
    parsed = parse_message(_mixed(part + b64(b"%PDF-1.4")))
    [attachment] = parsed.attachments
    assert (attachment.filename, attachment.content_type, attachment.payload, attachment.size) == (
        "Письмо.pdf",
        "application/pdf",
        b"%PDF-1.4",
        8,
    )


def test_safe_filename_limits_length_and_keeps_extension() -> None:
    name = safe_filename("я" * 300 + ".pdf", "application/pdf", 0)
    assert len(name) <= 180 and name.endswith(".pdf")
    assert safe_filename("CON.txt", "text/plain", 0) == "_CON.txt"
    assert safe_filename("a\x00b\r\nc.txt", "text/plain", 0) == "a_b_c.txt"
    assert safe_filename("", "image/png", 2) == "image-3.png"


def test_inline_flag_only_for_images_the_html_shows() -> None:
    related = (
        b'Content-Type: multipart/related; boundary="r"\n\n--r\nContent-Type: text/html\n\n'
        b'<p>See <img src="cid:shown@x"></p>\n--r\nContent-Type: image/png\nContent-ID: <shown@x>\n\nPNG1\n'
        b"--r\nContent-Type: image/png\nContent-ID: <unused@x>\nContent-Disposition: inline\n\nPNG2\n--r--"
    )
    parsed = parse_message(_mixed(related))
    flags = {a.content_id: (a.is_inline, a.disposition) for a in parsed.attachments}
    assert flags == {"shown@x": (True, ""), "unused@x": (False, "inline")}


def test_forwarded_message_is_an_eml_file_and_not_body_text() -> None:
    inner = b"From: a@x.example\nSubject: =?utf-8?B?0KHRh9GR0YI=?= / April\n\nInner text"
    parsed = parse_message(
        _mixed(b"Content-Type: text/plain\n\nOuter text", b"Content-Type: message/rfc822\n\n" + inner)
    )
    assert parsed.text == "Outer text"
    [attachment] = parsed.attachments
    assert attachment.filename == "Счёт _ April.eml"
    assert attachment.content_type == "message/rfc822"
    assert b"Inner text" in attachment.payload


def test_uuencoded_block_in_text_becomes_a_file() -> None:
    data = bytes(range(256)) * 4
    lines = b"".join(binascii.b2a_uu(data[i : i + 45]) for i in range(0, len(data), 45))
    body = b"Before\nbegin 644 dump.bin\n" + lines + b"`\nend\nAfter\n"
    parsed = parse_message(raw_message("Subject: uu", "Content-Type: text/plain", body=body))
    assert parsed.text == "Before\nAfter"
    assert [(a.filename, a.payload) for a in parsed.attachments] == [("dump.bin", data)]


def test_text_parts_with_a_name_are_files() -> None:
    parsed = parse_message(
        _mixed(
            b"Content-Type: text/plain\n\nbody",
            b"Content-Type: text/plain; name=log.txt\nContent-Disposition: inline\n\nlog line",
        )
    )
    assert parsed.text == "body"
    assert [a.filename for a in parsed.attachments] == ["log.txt"]


def test_huge_text_body_is_kept_as_a_file() -> None:
    body = b"x" * (6 * 1024 * 1024)
    parsed = parse_message(raw_message("Subject: big", "Content-Type: text/plain", body=body))
    assert parsed.text == ""
    assert [a.size for a in parsed.attachments] == [len(body) + 0]


def test_base64_runs_survive_the_fast_path_exactly() -> None:
    payload = bytes(range(256)) * 400
    placeholder_lookalike = b"sdb640123456789abcdefx0\n"
    parsed = parse_message(
        _mixed(
            b"Content-Type: text/plain\n\n" + placeholder_lookalike,
            b"Content-Type: application/octet-stream; name=a.bin\nContent-Transfer-Encoding: base64\n\n" + b64(payload),
            b"Content-Type: application/octet-stream; name=b.bin\nContent-Transfer-Encoding: base64\n\n"
            + b64(payload[::-1], 64),
        )
    )
    assert parsed.text == placeholder_lookalike.decode().strip()
    assert [a.payload for a in parsed.attachments] == [payload, payload[::-1]]


def test_8bit_text_around_a_base64_run_keeps_its_bytes() -> None:
    run = b"".join(b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0MTIzNDU2Nzg5MGFiY2RlZmdo\n" for _ in range(20))
    body = "Ключ ниже:\n".encode("cp1251") + run + "Конец.\n".encode("cp1251")
    parsed = parse_message(raw_message("Subject: key", "Content-Type: text/plain", body=body + b"x" * 4096))
    assert parsed.text.startswith("Ключ ниже:\nQUJD")
    assert "Конец." in parsed.text
    assert parsed.text.count("QUJDREVG") == 20

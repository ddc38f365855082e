"""Hostile and odd messages generated in code: what the fuzzing of parse_message and the intake
turned up, and the shapes real mail takes when a client, a gateway or an attacker gets it wrong.

``hostile_cases()`` maps a name to raw bytes. Several are megabytes, so they are built on demand
rather than kept as files. The tests run each through parse_message (bounded time, no exception
but ParseError, sane fields) and through the intake over IMAP (every one filed or parked with a
reason). Names of cases that once hung or crashed say so in ``DEFECTS``.
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Callable

from .builders import tnef as tnef_container

HEAD = (
    b"From: Ivan <ivan@client.example>\nTo: support@desk.example\nSubject: Printer\n"
    b"Date: Sun, 22 Nov 2026 10:15:00 +0300\nMessage-ID: <x1@client.example>\nMIME-Version: 1.0\n"
)
TEXT = b"Content-Type: text/plain; charset=utf-8\n\nHello, the printer is broken.\n"
DAEMON = HEAD.replace(b"From: Ivan <ivan@client.example>", b"From: MAILER-DAEMON@mx.client.example")

# Inputs that hung, crashed or produced unstorable fields before the fixes of this branch.
DEFECTS = {
    "html_nested_divs": "nh3 quadratic in nesting depth: 100,000 nested <div> took 58 s",
    "html_nested_lists": "30,000 nested <ul><li> took 15 s in nh3",
    "html_formatting_unclosed": "105,000 unclosed formatting tags and 15,000 stray </p>: over 20 s",
    "html_many_attributes": "100,000 attributes on one tag: 12 s in nh3",
    "html_entities": "500,000 &amp; entities: 4.5 s in nh3",
    "from_name_100k": "a 100,000-character display name failed the ticket (requester name holds 255)",
    "from_no_at": "200 KB From without '@': quadratic address regex, over 20 s",
    "from_dotted_no_at": "a.a.a... 200 KB: over 20 s",
    "cc_20000": "20,000 Cc addresses: 3 s (substring test per address)",
    "from_nested_comments": "3,000 nested comments in From: RecursionError escaped parse_message",
    "refused_with_nested_comments": "RecursionError from the header-only description of a refused mail stopped every poll",
    "boundary_numbered_and_unnumbered": "boundary*= and boundary*0= together: TypeError from the stdlib parser",
    "rfc2231_numbered_and_unnumbered": "filename*= and filename*0*= together: TypeError on every parameter lookup",
    "tnef_rtf_bomb": "1.6 MB of compressed RTF in winmail.dat expanded to 13.6 MB (a 25 MB mail: 150 MB, 17 s)",
    "uu_begin_without_end": "20,000 'begin 644' lines without 'end': over 20 s",
    "nul_in_address": "a NUL inside the From address reached the mail log row (PostgreSQL refuses NUL)",
    "auto_submitted_nul": "Auto-Submitted with a NUL reached auto_reason and the mail log reason",
    "undetectable_bytes_as_rot13": "charset=rot13 on undetectable bytes: LookupError escaped parse_message",
    "undetectable_bytes_as_idna": "charset=idna: UnicodeError escaped parse_message",
    "c1_controls_in_subject_and_file_name": "a stray 0x92 became U+0092 in the subject and the .eml file name",
    "filename_rtl_override": "U+202E kept in a file name: 'invoice\u202efdp.exe' displays as 'invoiceexe.pdf'",
}


def multipart(parts: list[bytes], *, boundary: bytes = b"b1", subtype: bytes = b"mixed", head: bytes = HEAD) -> bytes:
    out = head + b"Content-Type: multipart/" + subtype + b'; boundary="' + boundary + b'"\n\n'
    for part in parts:
        out += b"--" + boundary + b"\n" + part + b"\n"
    return out + b"--" + boundary + b"--\n"


def attachment(
    disposition: bytes, payload: bytes = b"aGVsbG8=", content_type: bytes = b"application/octet-stream"
) -> bytes:
    return (
        b"Content-Type: " + content_type + b"\nContent-Transfer-Encoding: base64\n"
        b"Content-Disposition: attachment; " + disposition + b"\n\n" + payload + b"\n"
    )


def with_header(name: bytes, value: bytes, body: bytes = b"body\n") -> bytes:
    """HEAD with one field replaced (or added when HEAD has none of that name)."""
    lines = [line for line in HEAD.split(b"\n") if line and not line.lower().startswith(name.lower() + b":")]
    return b"\n".join([*lines, name + b": " + value]) + b"\n\n" + body


def html(markup: bytes) -> bytes:
    return HEAD + b"Content-Type: text/html; charset=utf-8\n\n" + markup + b"\n"


def plain(text: bytes, content_type: bytes = b"text/plain; charset=utf-8") -> bytes:
    return HEAD + b"Content-Type: " + content_type + b"\n\n" + text


def nested_messages(depth: int) -> bytes:
    inner = HEAD + b"Content-Type: text/plain\n\ninnermost\n"
    for level in range(depth):
        forwarded = b"Content-Type: message/rfc822\n\n" + inner.replace(b"<x1@", b"<n%d@" % level)
        inner = multipart([TEXT, forwarded], boundary=b"nb%d" % level)
    return inner


def _shape_cases() -> dict[str, bytes]:
    rcpts = b", ".join(b'"Person %d" <p%d@example.com>' % (i, i) for i in range(2000))
    return {
        "zero_bytes": b"",
        "headers_only": HEAD.rstrip(b"\n"),
        "body_only": b"Hello there, the printer is broken.\nPlease help.\n",
        "header_line_1mb": HEAD + b"X-Big: " + b"a" * (1024 * 1024) + b"\n\nbody\n",
        "header_line_just_under_1mb": HEAD + b"X-Big: " + b"a" * (1024 * 1024 - 400) + b"\n\nbody\n",
        "tiny_parts_10000": multipart([b"\nx" for _ in range(10_000)]),
        "tiny_parts_999": multipart([b"Content-Type: text/plain\n\nx" for _ in range(999)]),
        "nul_bytes_everywhere": HEAD.replace(b"Printer", b"Prin\x00ter") + b"X-N: a\x00b\n\nbo\x00dy\n",
        "nul_in_address": HEAD.replace(b"ivan@", b"iv\x00an@") + b"\nbody\n",
        "lone_cr": (HEAD + b"\nline1\nline2\n").replace(b"\n", b"\r"),
        "mixed_crlf": HEAD.replace(b"\n", b"\r\n", 3) + b"\r\nbody\nline\r\n",
        "to_2000": with_header(b"To", rcpts),
        "to_2000_folded": with_header(b"To", rcpts.replace(b", ", b",\n ")),
        "cc_20000": with_header(b"Cc", b",".join(b"a%d@x.example" % i for i in range(20_000))),
        "from_nested_comments": b"From: " + b"(" * 3000 + b"a@b.example" + b")" * 3000 + b"\nSubject: x\n\nbody\n",
        # Refused by the parser (1 MB header), so the mail log describes it from the headers alone.
        "refused_with_nested_comments": b"From: "
        + b"(" * 3000
        + b"a@b.example"
        + b")" * 3000
        + b"\nSubject: x\nX-Big: "
        + b"a" * (1024 * 1024)
        + b"\n\nbody\n",
        "from_name_100k": b'From: "' + b"n" * 100_000 + b'" <a@b.example>\nSubject: x\n\nbody\n',
        "from_address_300": b"From: <" + b"a" * 290 + b"@b.example>\nSubject: x\n\nbody\n",
        "from_no_at": b"From: " + b"a" * 200_000 + b"\nSubject: x\n\nbody\n",
        "from_dotted_no_at": b"From: " + b"a." * 100_000 + b"@\nSubject: x\n\nbody\n",
        "from_many_at": b"From: " + b"a@" * 100_000 + b"\nSubject: x\n\nbody\n",
        "from_emoji_rtl": "From: =?utf-8?B?8J+YgCDXqdec15XXnSDYp9mE2LnYsdio2YrYqQ==?= <emoji@client.example>\n"
        "Subject: \U0001f600 \u05e9\u05dc\u05d5\u05dd \u202eRTL\n\nbody\n".encode(),
        "from_raw_utf8_rtl": "From: \U0001f600 \u202e\u05e9\u05dc\u05d5\u05dd <emoji@client.example>\nSubject: x\n\nbody\n".encode(),
        "date_missing": HEAD.replace(b"Date: Sun, 22 Nov 2026 10:15:00 +0300\n", b"") + b"\nbody\n",
        "subject_10000": with_header(b"Subject", ("Тема " * 2000).encode()),
        "subject_10000_encoded_words": with_header(b"Subject", b" ".join(b"=?utf-8?B?0KI=?=" for _ in range(10_000))),
        "subject_ticket_tag_huge": with_header(b"Subject", b"[#" + b"9" * 5000 + b"] hi"),
        "references_20000": with_header(b"References", b" ".join(b"<r%d@x.example>" % i for i in range(20_000))),
        "in_reply_to_200k": with_header(b"In-Reply-To", b"<" + b"r" * 200_000 + b"@x>"),
        "auto_submitted_nul": with_header(b"Auto-Submitted", b"auto-\x00replied\xff"),
        "random_header_lines": HEAD + b"X-\xff\xfe: \x00\x01\nContent-Type : text/plain\n: no name\n\x00: v\n\nbody\n",
        "content_type_without_subtype": HEAD + b"Content-Type: text\n\nbody\n",
        "multipart_without_subtype": HEAD + b"Content-Type: multipart; boundary=b1\n\n--b1\n" + TEXT + b"--b1--\n",
        "boundary_numbered_and_unnumbered": HEAD
        + b"Content-Type: multipart/mixed; boundary*=utf-8''b1; boundary*0=b1\n\n--b1\n"
        + TEXT
        + b"--b1--\n",
        "multipart_without_boundary": HEAD + b"Content-Type: multipart/mixed\n\n--b1\n" + TEXT + b"--b1--\n",
        "boundary_mismatch": multipart([TEXT, attachment(b'filename="a.bin"')]).replace(b"--b1\n", b"--b2\n"),
        "boundary_never_closed": multipart([TEXT, attachment(b'filename="a.bin"')])[: -len(b"--b1--\n")],
        "boundary_duplicate_close": multipart([TEXT]).replace(b"--b1--\n", b"--b1--\n--b1--\n--b1\n" + TEXT),
        "boundary_5000_chars": multipart([TEXT], boundary=b"x" * 5000),
        "nested_rfc822_50": nested_messages(50),
        "nested_multipart_50": HEAD
        + b"".join(b"Content-Type: multipart/mixed; boundary=n%d\n\n--n%d\n" % (i, i) for i in range(50))
        + TEXT,
        "binary_junk": bytes(range(256)) * 40,
    }


def _encoding_cases() -> dict[str, bytes]:
    cases = {
        "invalid_base64": plain(b"!!!@@@###$$$%%%\n", b"text/plain\nContent-Transfer-Encoding: base64"),
        "invalid_quoted_printable": plain(
            b"=ZZ=4=\n=E2=82\n", b"text/plain\nContent-Transfer-Encoding: quoted-printable"
        ),
        "unknown_transfer_encoding": plain(b"body\n", b"text/plain\nContent-Transfer-Encoding: x-gzip64"),
        "lone_surrogate_utf16": plain(
            base64.encodebytes(b"\x00\xd8a\x00"), b"text/plain; charset=utf-16-le\nContent-Transfer-Encoding: base64"
        ),
        "encoded_surrogate_subject": with_header(b"Subject", b"=?utf-8?B?7aCA?= =?utf-16?B?2AA=?="),
        "encoded_words_bogus_charsets": with_header(
            b"Subject", b"=?x-bogus?B?0J/RgNC4?= =?rot13?Q?abc?= =?zlib?B?YWJj?="
        ),
    }
    # Bytes no detector recognises, so decoding ends with the declared codec (found by fuzzing).
    undetectable = bytes.fromhex(
        "1e24e18ac8acb617aa99a8a5b1e9dda6ba20ada99ab666a295ec5a9a995e9deb4899a7eb6a2748c1ab27b5a6e57ada1d7a58af7abca8bab99eb2c6a0"
    )
    for charset in (b"rot13", b"base64", b"idna", b"punycode", b"undefined", b"unicode_escape"):
        cases[f"undetectable_bytes_as_{charset.decode()}"] = plain(undetectable, b"text/plain; charset=" + charset)
    cases["c1_controls_in_subject_and_file_name"] = multipart(
        [TEXT, b"Content-Type: message/rfc822\n\nFrom: a@b.example\nSubject: =?utf-8?Q?=C2=92=D1=8B_1?=\n\nforwarded\n"]
    )
    for charset in (b"x-no-such-charset", b"rot13", b"base64", b"zlib", b"idna", b"punycode", b"utf-7", b"u" * 5000):
        cases[f"charset_{charset[:20].decode()}"] = plain(
            b"\xd0\x9f\xd1\x80\xd0\xb8 \xff\n", b"text/plain; charset=" + charset
        )
    return cases


def _attachment_cases() -> dict[str, bytes]:
    names = {
        "filename_traversal": b'filename="../../../etc/passwd"',
        "filename_dotdot": b'filename=".."',
        "filename_windows_path": b'filename="C:\\\\Windows\\\\evil.exe"',
        "filename_absolute": b'filename="/etc/cron.d/x"',
        "filename_control_chars": b'filename="a\x01\x1b[31mb\x7f.txt"',
        "filename_5000_chars": b'filename="' + b"a" * 5000 + b'.txt"',
        "filename_5000_char_extension": b'filename="a.' + b"b" * 5000 + b'"',
        "filename_encoded_traversal": b'filename="=?utf-8?B?Li4vLi4vZXRjL3Bhc3N3ZA==?="',
        "filename_encoded_nul_newline": b'filename="=?utf-8?Q?a=00b=0D=0A=2F..=2Fc?="',
        "filename_rtl_override": b"filename*=utf-8''invoice%E2%80%AEfdp.exe",
        "filename_only_format_chars": b"filename*=utf-8''%E2%80%AE%E2%80%8B",
        "filename_device": b'filename="con.txt"',
        "filename_8bit_garbage": b'filename="\xff\xfe\xfd.txt"',
        "rfc2231_bogus_charset": b"filename*=x-bogus''%FF%FE%00%2F..%2Fetc%2Fpasswd",
        "rfc2231_bad_percent": b"filename*=utf-8''%ZZ%E2%82",
        "rfc2231_gapped_continuations": b"filename*0*=utf-8''%D0%9F; filename*1*=%D1%80; filename*3=.txt",
        "rfc2231_2000_continuations": b"; ".join(b"filename*%d*=utf-8''%%41" % i for i in range(2000)),
        "rfc2231_codec_charset": b"filename*=base64''YWJj",
        "rfc2231_numbered_and_unnumbered": b"filename*=utf-8''whole.pdf; filename*0*=utf-8''%D0%9F; filename*1=art.pdf",
    }
    return {name: multipart([TEXT, attachment(disposition)]) for name, disposition in names.items()}


def _format_cases() -> dict[str, bytes]:
    sig = b"MIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0BBwEAAKCAMIIE\n"
    tnef = b"Content-Type: application/ms-tnef; name=winmail.dat\nContent-Transfer-Encoding: base64\n\n"
    return {
        "rfc822_empty": multipart([TEXT, b"Content-Type: message/rfc822\n\n"]),
        "rfc822_invalid_base64": multipart(
            [TEXT, b"Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n!!\n"]
        ),
        "smime_signed": multipart(
            [
                TEXT,
                b"Content-Type: application/pkcs7-signature; name=smime.p7s\nContent-Transfer-Encoding: base64\n\n"
                + sig,
            ],
            subtype=b'signed; protocol="application/pkcs7-signature"; micalg=sha-256',
        ),
        "smime_enveloped": HEAD
        + b"Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\n"
        + b"Content-Transfer-Encoding: base64\n\nMIAGCSqGSIb3DQEHA6CAMIACAQAxggE=\n",
        "pgp_mime_signed": multipart(
            [
                TEXT,
                b"Content-Type: application/pgp-signature\n\n-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n",
            ],
            subtype=b'signed; protocol="application/pgp-signature"; micalg=pgp-sha256',
        ),
        "pgp_mime_encrypted": multipart(
            [
                b"Content-Type: application/pgp-encrypted\n\nVersion: 1\n",
                b"Content-Type: application/octet-stream; name=encrypted.asc\n\n-----BEGIN PGP MESSAGE-----\nhQEMA\n",
            ],
            subtype=b'encrypted; protocol="application/pgp-encrypted"',
        ),
        "calendar_only": plain(
            b"BEGIN:VCALENDAR\nMETHOD:REQUEST\nBEGIN:VEVENT\nSUMMARY:Meet\nEND:VEVENT\nEND:VCALENDAR\n",
            b"text/calendar; method=REQUEST; charset=utf-8",
        ),
        "calendar_invalid_base64": plain(
            b"#####\n", b"text/calendar; method=REQUEST\nContent-Transfer-Encoding: base64"
        ),
        "tnef_garbage": multipart([TEXT, tnef + base64.encodebytes(b"\x78\x9f\x3e\x22" + b"\xff" * 300)]),
        "tnef_truncated": multipart(
            [TEXT, tnef + base64.encodebytes(b"\x78\x9f\x3e\x22\x00\x00\x01\x06\x90\x08\x00\xff\xff\xff\x7f")]
        ),
        "dsn_20000_char_recipient": multipart(
            [
                TEXT,
                b"Content-Type: message/delivery-status\n\nReporting-MTA: dns; x\n\nFinal-Recipient: rfc822; "
                + b"a" * 20_000,
            ],
            subtype=b"report; report-type=delivery-status",
            head=DAEMON,
        ),
        "tnef_rtf_bomb": rtf_bomb(800_000),
        "uu_begin_without_end": plain(b"begin 644 a.txt\n" * 20_000),
        "uu_traversal_name": plain(b"begin 644 ../../x/y.txt\n#86)C\n`\nend\n"),
    }


def rtf_bomb(tokens: int) -> bytes:
    """A winmail.dat whose compressed RTF is nothing but 17-byte back-references (8.5x), declaring
    a size of 4 GB; each reference points away from the write position so none ends the stream."""
    out = bytearray()
    write = 207  # the dictionary prefill
    for _ in range(tokens // 8):
        out.append(0xFF)
        for _ in range(8):
            out += struct.pack(">H", (((write + 100) & 0xFFF) << 4) | 0x0F)
            write = (write + 17) & 0xFFF
    rtf = struct.pack("<IIII", len(out) + 12, 0xFFFFFFF0, 0x75465A4C, 0) + bytes(out)
    return multipart(
        [
            TEXT,
            b"Content-Type: application/ms-tnef; name=winmail.dat\nContent-Transfer-Encoding: base64\n\n"
            + base64.encodebytes(tnef_container("", [], rtf=rtf)),
        ]
    )


def _html_cases() -> dict[str, bytes]:
    return {
        "html_huge_style_block": html(b"<style>" + b"p{color:red}" * 300_000 + b"</style><p>Hi</p>"),
        "html_huge_script": html(b"<script>" + b"var a=1;" * 400_000 + b"</script><p>Hi</p>"),
        "html_huge_inline_style": html(b'<p style="' + b"color:red;" * 300_000 + b'">Hi</p>'),
        "html_nested_divs": html(b"<div>" * 100_000 + b"Hi" + b"</div>" * 100_000),
        "html_nested_lists": html(b"<ul><li>" * 30_000 + b"Hi"),
        "html_nested_blockquotes": html(b"<blockquote>" * 30_000 + b"Hi"),
        "html_formatting_unclosed": html(b"<b><i><u><s><font><em><strong>" * 15_000 + b"Hi" + b"</p>" * 15_000),
        "html_many_attributes": html(b"<p " + b" ".join(b"a%d=x" % i for i in range(100_000)) + b">Hi</p>"),
        "html_table_100000_rows": html(b"<table>" + b"<tr><td>x</td></tr>" * 100_000 + b"</table>"),
        "html_entities": html(b"&amp;" * 500_000),
        "html_nul_and_bad_references": html(b"<p>a\x00b &#0;&#xD800;&#1114112;&#99999999999;</p>"),
        "html_data_uri_3mb": html(b"<img src='data:image/png;base64," + b"A" * 3_000_000 + b"'><p>Hi</p>"),
    }


BUILDERS: tuple[Callable[[], dict[str, bytes]], ...] = (
    _shape_cases,
    _encoding_cases,
    _attachment_cases,
    _format_cases,
    _html_cases,
)


def hostile_cases() -> dict[str, bytes]:
    cases: dict[str, bytes] = {}
    for build in BUILDERS:
        cases.update(build())
    return cases

"""HTML mail: sanitised for display, and turned into readable plain text."""

from __future__ import annotations

from mailconf.parsing import parse_message
from mailconf.parsing.html import html_to_text, sanitize_html

from .helpers import raw_message

HOSTILE = (
    "<html><head><title>T</title><style>p{color:red}</style><script>steal()</script></head>"
    '<body onload="x()"><p style="color: red; position: fixed" onclick="y()">Hi</p>'
    '<a href="javascript:alert(1)">js</a><a href="https://ok.example/">ok</a>'
    '<img src="https://tracker.example/pixel.gif" width="1"><img src="cid:logo@corp" alt="logo">'
    '<iframe src="https://evil.example"></iframe><form action="https://evil.example"><input name=p></form>'
    "<svg><script>bad()</script></svg></body></html>"
)


def test_sanitize_drops_active_content_and_remote_images() -> None:
    clean = sanitize_html(HOSTILE)
    for forbidden in (
        "<script",
        "steal",
        "onload",
        "onclick",
        "javascript:",
        "tracker.example",
        "<iframe",
        "<form",
        "<input",
        "position",
        "<style",
        "p{color",
    ):
        assert forbidden not in clean
    assert 'src="cid:logo@corp"' in clean
    assert 'style="color:red"' in clean
    assert 'href="https://ok.example/"' in clean and 'rel="noopener noreferrer nofollow"' in clean


def test_sanitize_keeps_small_data_images() -> None:
    html = '<img src="data:image/png;base64,iVBORw0KGgo=">'
    assert "data:image/png" in sanitize_html(html)


def test_html_to_text_blocks_lists_links_entities() -> None:
    html = (
        "<div>First&nbsp;line<br>Second &amp; third</div><p>Para</p><ul><li>one</li><li>two</li></ul>"
        '<ol><li>three</li></ol><a href="https://x.example/doc">the doc</a> and '
        '<a href="mailto:a@x.example">a@x.example</a><table><tr><td>k</td><td>v</td></tr></table>'
        "<pre>  keep   spaces</pre>"
    )
    text = html_to_text(html)
    assert text.startswith("First line\nSecond & third\nPara\n")
    assert "- one\n- two\n\n- three" in text
    assert "the doc (https://x.example/doc)" in text
    assert "a@x.example (" not in text and "a@x.example" in text
    assert "k\tv" in text
    assert "keep   spaces" in text


def test_html_to_text_has_no_style_or_script_text() -> None:
    text = html_to_text(HOSTILE)
    assert "steal" not in text and "color" not in text and "bad()" not in text
    assert "Hi" in text and "ok (https://ok.example/)" in text


def test_blockquote_becomes_quoted_lines() -> None:
    assert html_to_text("<p>New</p><blockquote><p>Old</p><p>Older</p></blockquote>") == "New\n\n> Old\n>\n> Older"


def test_html_only_message_gets_text_and_sanitised_html() -> None:
    raw = raw_message(
        "Subject: x",
        "Content-Type: text/html; charset=windows-1251",
        body="<p>Привет</p><script>alert(1)</script>".encode("cp1251"),
    )
    parsed = parse_message(raw)
    assert parsed.text == "Привет"
    assert parsed.html == "<p>Привет</p>"


def test_html_charset_from_meta_tag() -> None:
    body = '<html><head><meta charset="koi8-r"></head><body>Ошибка</body></html>'.encode("koi8_r")
    parsed = parse_message(raw_message("Subject: x", "Content-Type: text/html", body=body))
    assert parsed.text == "Ошибка"


def test_deeply_nested_html_does_not_crash() -> None:
    html = "<div>" * 5000 + "deep" + "</div>" * 5000
    assert "deep" in html_to_text(html)
    assert "deep" in sanitize_html(html)

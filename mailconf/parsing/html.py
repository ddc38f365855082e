"""HTML bodies: sanitising for display and deriving plain text.

Display policy (the sanitised HTML is shown inside the agent UI, next to our own pages):
- scripts, styles, forms, iframes, event handlers and comments are dropped (nh3 allow-list);
- ``style`` attributes are kept but reduced to harmless text/box properties, because
  Outlook and 1C mail is unreadable without colours and alignment;
- images are kept only when they point at an attached part (``cid:``) or are small inline
  ``data:`` images; remote images are removed: loading them would tell the sender (tracking
  pixels) that and when an agent opened the ticket, from which address, and would make the
  page depend on third-party hosts. ``cid:`` references stay as they are; the intake maps them
  to attachment URLs using ``ParsedAttachment.content_id``;
- links keep http(s)/mailto/tel targets and get ``rel="noopener noreferrer nofollow"``.
"""

from __future__ import annotations

import re
import threading
from html import unescape
from typing import TYPE_CHECKING

import nh3

from .htmlbound import bound_markup

if TYPE_CHECKING:
    # lxml (about 50 ms to import) loads with the first HTML body to read, not at every start-up
    # (the mail workers and the admin import this package).
    from lxml import etree
    from lxml import html as lxml_html

_TAGS = (set(nh3.ALLOWED_TAGS) | {"font", "tfoot"}) - {"area", "map"}
_ATTRIBUTES = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
_ATTRIBUTES["*"] = {"style", "title", "dir", "lang", "align"}
_ATTRIBUTES["font"] = {"color", "face", "size"}
_ATTRIBUTES["td"] = _ATTRIBUTES.get("td", set()) | {"width", "valign", "bgcolor"}
_ATTRIBUTES["table"] = _ATTRIBUTES.get("table", set()) | {"width", "border", "cellpadding", "cellspacing", "bgcolor"}
_STYLE_PROPERTIES = {
    "color",
    "background-color",
    "font-weight",
    "font-style",
    "font-size",
    "font-family",
    "text-align",
    "text-decoration",
    "vertical-align",
    "white-space",
    "border",
    "border-collapse",
    "padding",
    "margin",
    "width",
    "list-style-type",
}
_MAX_DATA_IMAGE = 64 * 1024
# nh3 needs about 10 us per "&" or non-breaking space in text (a second per 100,000 of them,
# whatever else the markup holds); an Outlook mail has a few thousand.
MAX_SANITISED_ESCAPES = 50_000
# And about 3 us per tag: a newsletter has a few thousand, 1.2 million "</p>" took 4 s.
MAX_SANITISED_TAGS = 150_000


def _filter_attribute(tag: str, attr: str, value: str) -> str | None:
    if tag == "img" and attr == "src":
        lowered = value.strip().lower()
        if lowered.startswith("cid:"):
            return value.strip()
        if lowered.startswith("data:image/") and len(value) <= _MAX_DATA_IMAGE:
            return value.strip()
        return None
    return value


_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    clean_content_tags={"script", "style", "title", "head", "textarea", "select", "noscript", "object", "svg", "math"}
    - _TAGS,
    attributes=_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    url_schemes={"http", "https", "mailto", "tel", "cid", "data"},
    link_rel="noopener noreferrer nofollow",
    filter_style_properties=_STYLE_PROPERTIES,
    strip_comments=True,
)

_CID_REF = re.compile(r"""src\s*=\s*["']?cid:([^"'\s>]+)""", re.IGNORECASE)


def sanitize_html(source: str) -> str:
    """Safe HTML for display under the module's policy."""
    if not source.strip():
        return ""
    return _CLEANER.clean(bound_markup(source)).strip()


def too_costly_to_sanitise(source: str) -> bool:
    """True when nh3 would spend over about half a second on ``source``."""
    escapes = source.count("&") + source.count("\u00a0")
    return escapes > MAX_SANITISED_ESCAPES or source.count("<") > MAX_SANITISED_TAGS


def referenced_cids(sanitized: str) -> set[str]:
    """Content ids the HTML shows as images (as written, without ``cid:``), lowercased."""
    return {cid.strip("<>").lower() for cid in _CID_REF.findall(sanitized)}


_BLOCK = {
    "p",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "aside",
    "nav",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "tr",
    "pre",
    "address",
    "center",
    "form",
    "fieldset",
    "figure",
    "hr",
    "li",
    "blockquote",
    "tbody",
    "thead",
    "tfoot",
    "caption",
    "main",
    "summary",
    "details",
}
_SKIP = {"script", "style", "head", "title", "noscript", "template", "svg", "object", "iframe", "select"}
_WS = re.compile(r"[ \t\r\n\f\u00a0\u200b]+")
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*){2,}")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


# libxml2 silently drops what is nested deeper than 256 elements unless huge_tree lifts that to
# 2,048; bound_markup keeps sanitised HTML within that (256 counted levels, a few real ones each).
# One parser per thread: lxml parser objects must not be shared between threads.
_TEXT_PARSER = threading.local()


def _text_parser() -> lxml_html.HTMLParser:
    parser = getattr(_TEXT_PARSER, "parser", None)
    if parser is None:
        from lxml import html as lxml_html

        parser = _TEXT_PARSER.parser = lxml_html.HTMLParser(huge_tree=True)
    return parser


def html_to_text(source: str) -> str:
    """Readable plain text: blocks become lines, list items get "- ", links read "text (url)",
    quotes (``<blockquote>``) get "> " so reply trimming treats them like plain-text quotes."""
    if not source.strip():
        return ""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.document_fromstring(source, parser=_text_parser())
    except (etree.ParserError, ValueError):
        return _crude_text(source)
    walker = _TextWalker()
    walker.walk(root)
    # libxml2 drops content nested deeper than its limit (hostile or broken generators);
    # a flat tag strip then still shows the words.
    return walker.result() or _crude_text(source)


_SCRIPT_OR_STYLE = re.compile(r"<(script|style|head)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


_LINE_BREAK_TAG = re.compile(r"<(?:br|/p|/div|/tr|/li|/h[1-6]|/table|/blockquote)\b[^>]*>", re.IGNORECASE)
_SPACES_TABS = re.compile(r"[ \t\f\u00a0\u200b]+")
_NEWLINES = re.compile(r"\s*\n\s*(?:\n\s*)+")


def html_to_text_fast(source: str) -> str:
    """Plain text by regular expressions alone, for HTML too large for the parsers (see
    too_costly_to_sanitise): block ends become line breaks, other tags go, entities are decoded."""
    text = _SCRIPT_OR_STYLE.sub(" ", source)
    text = _LINE_BREAK_TAG.sub("\n", text)
    text = unescape(_TAG.sub(" ", text))
    text = _SPACES_TABS.sub(" ", text.replace("\r", ""))
    return _NEWLINES.sub("\n\n", "\n".join(line.strip() for line in text.split("\n"))).strip()


def _crude_text(source: str) -> str:
    return _WS.sub(" ", unescape(_TAG.sub(" ", _SCRIPT_OR_STYLE.sub(" ", source)))).strip()


class _TextWalker:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.skip_depth = 0
        self.pre_depth = 0
        self.quote_starts: list[int] = []
        self.links: list[tuple[int, str]] = []

    def walk(self, root: etree._Element) -> None:
        from lxml import etree

        for event, el in etree.iterwalk(root, events=("start", "end")):
            tag = el.tag if isinstance(el.tag, str) else ""
            tag = tag.lower()
            if event == "start":
                self.start(tag, el)
            else:
                self.end(tag, el)
                if el.tail and not self.skip_depth:
                    self.text(el.tail)

    def start(self, tag: str, el: etree._Element) -> None:
        if tag in _SKIP or self.skip_depth:
            self.skip_depth += 1
            return
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK:
            self.newline()
            if tag == "li":
                self.parts.append("- ")
            elif tag == "blockquote":
                self.quote_starts.append(len(self.parts))
        if tag == "pre":
            self.pre_depth += 1
        if tag == "a":
            self.links.append((len(self.parts), el.get("href") or ""))
        if tag == "img" and el.get("alt"):
            self.parts.append(f"[{el.get('alt')}]")
        if tag in ("td", "th") and self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\t")
        if el.text:
            self.text(el.text)

    def end(self, tag: str, el: etree._Element) -> None:
        if self.skip_depth:
            self.skip_depth -= 1
            return
        if tag == "pre":
            self.pre_depth -= 1
        if tag == "a" and self.links:
            self.close_link()
        if tag == "blockquote" and self.quote_starts:
            start = self.quote_starts.pop()
            quoted = "".join(self.parts[start:]).strip("\n")
            del self.parts[start:]
            self.parts.append("\n".join("> " + line if line else ">" for line in quoted.split("\n")))
        if tag in _BLOCK or tag in ("p", "div"):
            self.newline()
            if tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"):
                self.parts.append("\n")

    def close_link(self) -> None:
        start, href = self.links.pop()
        label = "".join(self.parts[start:]).strip()
        href = href.strip()
        if not href.lower().startswith(("http:", "https:", "mailto:")):
            return
        shown = href[7:] if href.lower().startswith("mailto:") else href
        if label and shown.rstrip("/") not in label:
            self.parts.append(f" ({shown})")
        elif not label:
            self.parts.append(shown)

    def text(self, value: str) -> None:
        if self.skip_depth:
            return
        self.parts.append(value if self.pre_depth else _WS.sub(" ", value))

    def newline(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def result(self) -> str:
        text = "".join(self.parts)
        lines = [line.strip() if not line.startswith(">") else line.rstrip() for line in text.split("\n")]
        text = "\n".join(lines)
        text = _TRAILING_SPACE.sub("\n", text)
        return _BLANK_LINES.sub("\n\n", text).strip()

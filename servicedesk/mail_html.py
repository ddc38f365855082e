"""Showing a comment's original mail formatting on the ticket card.

The HTML was sanitised when the mail was parsed; it is cleaned again here, at display time, with a
conservative allow-list, because stored HTML outlives the code that cleaned it. `cid:` references
(inline images) are pointed at the comment's own attachments; any other image source is dropped,
so opening a ticket never contacts a sender's server (tracking pixels).
"""

from __future__ import annotations

import re

import nh3
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from .models import Comment

TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "font",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "col": {"span"},
    "ol": {"start"},
}
_CID_SRC = re.compile(r'src="cid:([^"]*)"', re.IGNORECASE)


def _allow_only_cid_images(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if value.lower().startswith("cid:") else None
    return value


def render_comment_html(comment: Comment) -> SafeString:
    """The comment's mail HTML, safe to embed; empty when the comment has none."""
    urls = {
        a.content_id.strip("<>"): reverse("attachment_download", args=[a.pk]) + "?inline=1"
        for a in comment.attachments.all()
        if a.content_id and a.is_image
    }
    return embeddable_mail_html(comment.body_html, urls)


def embeddable_mail_html(html: str, inline_urls: dict[str, str]) -> SafeString:
    """Mail HTML cleaned with the allow-list above; `cid:` images pointed at `inline_urls`
    (Content-ID without brackets -> our URL) and every other image dropped (no tracking pixels,
    no request to the sender's server when the mail is opened)."""
    if not html.strip():
        return mark_safe("")
    cleaned = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "cid"},
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_allow_only_cid_images,
    )

    def point_at_attachment(match: re.Match[str]) -> str:
        url = inline_urls.get(match.group(1).strip("<>"))
        return f'src="{url}"' if url else 'src=""'

    return mark_safe(_CID_SRC.sub(point_at_attachment, cleaned))  # noqa: S308 - cleaned by nh3 above

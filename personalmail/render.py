"""A personal message's HTML, safe to embed: cleaned again with the ticket card's allow-list,
inline images pointed at the message's own attachments and every other image dropped (no
tracking pixels, no request to the sender's server when a message is opened)."""

from __future__ import annotations

import re

import nh3
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from servicedesk.mail_html import ATTRIBUTES, TAGS

from .models import PersonalMessage

_CID_SRC = re.compile(r'src="cid:([^"]*)"', re.IGNORECASE)
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"})


def _only_cid_images(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if value.lower().startswith("cid:") else None
    return value


def message_html(message: PersonalMessage) -> SafeString:
    if not message.html.strip():
        return mark_safe("")
    cleaned = nh3.clean(
        message.html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "cid"},
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_only_cid_images,
    )
    urls = {
        a.content_id.strip("<>"): reverse("personalmail:attachment", args=[a.pk]) + "?inline=1"
        for a in message.attachments.all()
        if a.content_id and a.content_type in IMAGE_TYPES
    }

    def point_at_attachment(match: re.Match[str]) -> str:
        url = urls.get(match.group(1).strip("<>"))
        return f'src="{url}"' if url else 'src=""'

    return mark_safe(_CID_SRC.sub(point_at_attachment, cleaned))  # noqa: S308 - cleaned by nh3 above

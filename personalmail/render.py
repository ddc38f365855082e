"""A personal message's HTML, safe to embed: cleaned with the ticket card's allow-list, inline
images pointed at the message's own attachments and every other image dropped
(`servicedesk.mail_html.embeddable_mail_html`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.safestring import SafeString

from servicedesk.mail_html import embeddable_mail_html

from .models import PersonalMessage

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"})


def message_html(message: PersonalMessage) -> SafeString:
    urls = {
        a.content_id.strip("<>"): reverse("personalmail:attachment", args=[a.pk]) + "?inline=1"
        for a in message.attachments.all()
        if a.content_id and a.content_type in IMAGE_TYPES
    }
    return embeddable_mail_html(message.html, urls)

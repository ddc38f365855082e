"""New-mail pop-ups: an in-app notification row per new message, pushed to the owner's open pages.

The row is the pop-up (notifications' push stream shows it as a toast and the bell lists it); its
link opens the message. An owner who chose "Do not notify" gets none. The mobile switch is kept for
the mobile channel (`mobile` in the row's event name tells it apart).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from notifications import push
from notifications.models import Notification

from .models import PersonalMailbox, PersonalMessage, Popups

EVENT = "personalmail.new_mail"


def announce_new_mail(mailbox: PersonalMailbox, message_ids: list[int]) -> int:
    """Write one notification per message and wake the owner's streams; the number written."""
    if mailbox.popups != Popups.NOTIFY:
        return 0
    messages = PersonalMessage.objects.filter(pk__in=message_ids).order_by("uid")
    user = mailbox.user
    with translation.override(getattr(user, "language", "") or None):
        rows = [
            Notification(
                user=user,
                event=EVENT,
                title=_("New mail from %(author)s") % {"author": m.from_name or m.from_address or _("unknown sender")},
                body=m.subject or _("(no subject)"),
                url=reverse("personalmail:message", args=[m.pk]),
            )
            for m in messages
        ]
    Notification.objects.bulk_create(rows)
    push.announce([user.pk])
    return len(rows)

"""New-mail pop-ups: an in-app notification row per new message, pushed to the owner's open pages.

The row is the pop-up (notifications' push stream shows it as a toast and the bell lists it); its
link opens the message. An owner who chose "Do not notify" gets none. The mobile switch sends the
same pop-ups as Web Push to every browser the owner subscribed (the installed app on a phone), as
durable `Dispatch` rows that notifications' dispatcher sends after commit.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from notifications import dispatch, push, webpush
from notifications.models import Notification, PushSubscription

from .models import PersonalMailbox, PersonalMessage, Popups

EVENT = "personalmail.new_mail"


def announce_new_mail(mailbox: PersonalMailbox, message_ids: list[int]) -> int:
    """Write one notification per message and wake the owner's streams, and queue the Web Push
    pop-ups when the mobile switch is on; the number of in-app rows written."""
    if Popups.NOTIFY not in (mailbox.popups, mailbox.mobile_popups):
        return 0
    rows = _rows(mailbox, message_ids)
    if mailbox.mobile_popups == Popups.NOTIFY:
        _queue_web_push(mailbox, rows)
    if mailbox.popups != Popups.NOTIFY:
        return 0
    Notification.objects.bulk_create(rows)
    push.announce([mailbox.user_id])
    return len(rows)


def _queue_web_push(mailbox: PersonalMailbox, rows: list[Notification]) -> None:
    subscriptions = list(PushSubscription.objects.filter(user_id=mailbox.user_id).values_list("pk", flat=True))
    dispatch.enqueue(
        "webpush",
        [
            (None, f"subscription:{pk}", webpush.payload(title=row.title, body=row.body, url=row.url, tag=row.url))
            for row in rows
            for pk in subscriptions
        ],
    )


def _rows(mailbox: PersonalMailbox, message_ids: list[int]) -> list[Notification]:
    """The pop-ups, unsaved, in the owner's language."""
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
    return rows

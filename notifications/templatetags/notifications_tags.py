from __future__ import annotations

from django import template
from django.db.models import Count, Max, Q

from notifications.models import Notification

register = template.Library()


@register.simple_tag(takes_context=True)
def notification_state(context: template.Context) -> dict[str, int]:
    """Unread count and the newest row id for the bell: the stream starts right after that id, so a
    notification committed between rendering and connecting is still delivered."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread": 0, "last_id": 0}
    state = Notification.objects.filter(user=user).aggregate(
        last=Max("pk"), unread=Count("pk", filter=Q(read_at__isnull=True))
    )
    return {"unread": state["unread"] or 0, "last_id": state["last"] or 0}


@register.inclusion_tag("notifications/_devices.html", takes_context=True)
def device_channels(context: template.Context) -> dict[str, object]:
    """The profile's "Notifications outside the browser tab" card: this browser's Web Push switch,
    the user's other subscribed browsers, and the Telegram link."""
    from django.utils import timezone

    from notifications import webpush
    from notifications.models import PushSubscription, TelegramAccount
    from notifications.telegram import linking

    request = context["request"]
    bot = linking.active_bot()
    account = TelegramAccount.objects.filter(user=request.user).first()
    code = account.code if account and account.code_expires_at and account.code_expires_at > timezone.now() else ""
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "vapid_key": webpush.public_key(),
        "subscriptions": list(PushSubscription.objects.filter(user=request.user)),
        "telegram_bot": bot,
        "telegram_account": account if account and account.chat_id else None,
        "telegram_code": code,
        "telegram_code_expires": account.code_expires_at if code and account else None,
        "telegram_deep_link": linking.deep_link(bot, code) if bot and code else "",
    }

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("System settings → Webhooks")

    def ready(self) -> None:
        from notifications.fanout import register_channel
        from notifications.models import Channel

        from . import settings_io
        from .services import enqueue_for_actions

        # The event-action fan-out hands its "webhook" actions to this app.
        register_channel(Channel.WEBHOOK, enqueue_for_actions)
        settings_io.register()

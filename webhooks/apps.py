from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("System settings → Webhooks")

    def ready(self) -> None:
        from notifications import channels

        from . import settings_io
        from .channel import WebhookChannel

        # The event-action fan-out reaches this app's webhooks through the channel registry.
        channels.register(WebhookChannel)
        settings_io.register()

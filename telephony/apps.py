from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelephonyConfig(AppConfig):
    name = "telephony"
    verbose_name = _("System settings → Telephony")

    def ready(self) -> None:
        from notifications.defaults import register_defaults

        from . import events
        from .defaults import PUSH_DEFAULTS

        events.register()
        register_defaults(PUSH_DEFAULTS)

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelephonyConfig(AppConfig):
    name = "telephony"
    verbose_name = _("System settings → Telephony")

    def ready(self) -> None:
        from notifications.defaults import register_defaults
        from servicedesk.demo import register_demo_part

        from . import events
        from .defaults import PUSH_DEFAULTS
        from .demo import load_demo_calls

        events.register()
        register_defaults(PUSH_DEFAULTS)
        register_demo_part(load_demo_calls)

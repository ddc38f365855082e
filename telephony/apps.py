from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from servicedesk.demo import DemoResult


def _load_demo_calls(result: DemoResult) -> None:
    # The demo calls (and the call intake they go through) load with `load_demo`, not at every start-up.
    from .demo import load_demo_calls

    load_demo_calls(result)


class TelephonyConfig(AppConfig):
    name = "telephony"
    verbose_name = _("System settings → Telephony")

    def ready(self) -> None:
        from notifications.defaults import register_defaults
        from servicedesk.demo import register_demo_part

        from . import events
        from .defaults import PUSH_DEFAULTS

        events.register()
        register_defaults(PUSH_DEFAULTS)
        register_demo_part(_load_demo_calls)

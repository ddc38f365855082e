from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonalMailConfig(AppConfig):
    name = "personalmail"
    verbose_name = _("Personal mail")

    def ready(self) -> None:
        from notifications import senders

        from .services.compose import queue_for_process

        # Event actions may send from the responsible employee's mailbox; notifications cannot
        # import this app, so the sender is handed over here.
        senders.register_personal_sender(queue_for_process)

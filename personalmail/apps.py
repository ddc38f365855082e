from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from notifications.mail import Letter


def _queue_for_process(user_id: int, letter: Letter) -> bool:
    # The compose service (and what it imports) loads at the first letter, not at every start-up.
    from .services.compose import queue_for_process

    return queue_for_process(user_id, letter)


class PersonalMailConfig(AppConfig):
    name = "personalmail"
    verbose_name = _("Personal mail")

    def ready(self) -> None:
        from notifications import senders

        # Event actions may send from the responsible employee's mailbox; notifications cannot
        # import this app, so the sender is handed over here.
        senders.register_personal_sender(_queue_for_process)

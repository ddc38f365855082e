from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_defaults_into_empty_table(apps: Any = global_apps, **_kwargs: Any) -> None:
    """After a flush (transactional tests, `manage.py flush`) the migration's rows are gone; put
    the defaults back. Only into an empty table, so an action a technologist deleted on purpose is
    not resurrected by the next upgrade."""
    from .defaults import install

    if not apps.get_model("notifications", "EventAction").objects.exists():
        install(apps)


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("System settings → Event actions")

    def ready(self) -> None:
        from mailconf import signals as mail_signals
        from servicedesk import events

        from . import settings_io, work_items
        from .receivers import connection_alert_raised, message_unprocessable
        from .services import handle_domain_events

        work_items.register()
        settings_io.register()
        events.subscribe_journal(handle_domain_events)
        mail_signals.alert_raised.connect(connection_alert_raised, dispatch_uid="notifications-mail-alert")
        mail_signals.message_unprocessable.connect(message_unprocessable, dispatch_uid="notifications-unprocessable")
        post_migrate.connect(_install_defaults_into_empty_table, sender=self, dispatch_uid="notifications-defaults")

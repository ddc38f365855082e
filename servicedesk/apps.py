from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ServicedeskConfig(AppConfig):
    name = "servicedesk"
    verbose_name = _("Service desk")

    def ready(self) -> None:
        from . import events, live, lookups
        from .reference import ensure_reference_data

        lookups.install()
        events.subscribe_many(live.announce_changes)

        post_migrate.connect(ensure_reference_data, sender=self, dispatch_uid="servicedesk-reference-data")
        from .services.labels import register_labels_section
        from .services.schedules_io import register_schedules_section

        register_labels_section()
        register_schedules_section()

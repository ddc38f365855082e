from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_defaults_into_empty_table(apps: Any = global_apps, **_kwargs: Any) -> None:
    """After a flush (transactional tests, `manage.py flush`) the migration's rows are gone; put
    the default schemes back, only into an empty table (a deleted scheme stays deleted)."""
    from .defaults import install

    if not apps.get_model("escalation", "EscalationScheme").objects.exists():
        install(apps)


class EscalationConfig(AppConfig):
    name = "escalation"
    verbose_name = _("Escalation")

    def ready(self) -> None:
        from servicedesk.services import sla

        from . import catalogue, responses, services, settings_io

        catalogue.register()
        sla.on_deadlines_changed(services.sync)
        settings_io.register()
        responses.register()
        post_migrate.connect(_install_defaults_into_empty_table, sender=self, dispatch_uid="escalation-defaults")

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailconfConfig(AppConfig):
    name = "mailconf"
    verbose_name = _("System settings → Mail")

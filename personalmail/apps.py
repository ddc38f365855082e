from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonalMailConfig(AppConfig):
    name = "personalmail"
    verbose_name = _("Personal mail")

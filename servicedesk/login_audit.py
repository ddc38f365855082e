"""django-axes (login throttling and the journal of login attempts) under a name for people."""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class LoginAuditConfig(AxesAppConfig):
    verbose_name = _("Login audit")

"""The journal of login attempts (django-axes' rows) as the technologist interface shows it."""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.utils.translation import gettext_lazy as _


class LoginLockout(AccessAttempt):
    """Failed logins counted towards a lockout; deleting one unlocks that login or address."""

    class Meta:
        proxy = True
        verbose_name = _("failed login counter")
        verbose_name_plural = _("failed login counters")

    def __str__(self) -> str:
        return f"{self.username or '—'} · {self.ip_address or '—'}"


class LoginFailure(AccessFailureLog):
    class Meta:
        proxy = True
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")

    def __str__(self) -> str:
        return f"{self.username or '—'} · {self.ip_address or '—'} · {self.attempt_time:%Y-%m-%d %H:%M}"


class LoginRecord(AccessLog):
    class Meta:
        proxy = True
        verbose_name = _("login")
        verbose_name_plural = _("logins")

    def __str__(self) -> str:
        return f"{self.username or '—'} · {self.ip_address or '—'} · {self.attempt_time:%Y-%m-%d %H:%M}"

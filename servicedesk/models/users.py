from __future__ import annotations

from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A login. An employee or a contact person may have one; technologists may have only this."""

    language = models.CharField(
        _("interface language"),
        max_length=8,
        blank=True,
        help_text=_("Empty: chosen from the browser."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_("Dates and times are shown in this zone. Empty: the installation's time zone."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def role_codes(self) -> frozenset[str]:
        """Group codes of this user, cached on the instance for the request."""
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(self.groups.values_list("name", flat=True))
            self._role_codes = cached
        return cached


class Role(Group):
    """A user group as people see it: by the seed's name (Администратор, …), not by its code."""

    class Meta:
        proxy = True
        verbose_name = _("user group")
        verbose_name_plural = _("user groups")

    def __str__(self) -> str:
        from ..roles import group_label

        return group_label(self.name)

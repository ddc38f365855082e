"""Labels: which optional modules are switched on (servicedesk/labels.py has the catalogue)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ModuleSwitch(models.Model):
    """The stored state of one module's label; a module without a row is on."""

    code = models.CharField(_("module"), max_length=50, primary_key=True)
    enabled = models.BooleanField(_("on"), default=True)
    changed_at = models.DateTimeField(_("changed"), auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

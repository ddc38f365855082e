"""Org structure: nested departments, employees, teams (seed 004, steps 1 and 3)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import PersonName


class SyncedMixin(models.Model):
    """A stable id from outside (an import file's column, a directory's objectGUID) and, for cards
    kept by an LDAP sync, the connection that owns them (seed 004: do not edit those by hand)."""

    external_id = models.CharField(_("external id"), max_length=255, blank=True, db_index=True)
    ldap_connection = models.ForeignKey(
        "servicedesk.LdapConnection",
        verbose_name=_("synchronised from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    synced_at = models.DateTimeField(_("last synchronised"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True


def _unique_external_id(name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=["external_id"], condition=~Q(external_id=""), name=name)


class Department(SyncedMixin, models.Model):
    name = models.CharField(_("name"), max_length=255)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    head = models.ForeignKey(
        "Employee",
        verbose_name=_("head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_departments",
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]
        constraints = [_unique_external_id("department_unique_external_id")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if (
            self.pk is not None
            and self.parent_id is not None
            and self.pk in (self.parent.ancestor_ids() if self.parent else [])
        ):
            raise ValidationError(
                {"parent": _("A unit cannot be placed inside itself or inside one of its own sub-units.")}
            )

    def ancestor_ids(self) -> list[int]:
        """This department and every department above it, nearest first."""
        ids: list[int] = []
        node: Department | None = self
        while node is not None and node.pk not in ids:
            ids.append(node.pk)
            node = node.parent
        return ids


class Employee(SyncedMixin, PersonName):
    """An employee card; always in a department (seed 004: "created only bound to a department")."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employee",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="employees"
    )
    position = models.CharField(_("position"), max_length=255, blank=True)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    mobile_phone = models.CharField(_("mobile phone"), max_length=32, blank=True)
    phone_extension = models.CharField(_("internal phone extension"), max_length=16, blank=True, db_index=True)
    is_licensed = models.BooleanField(_("licensed user"), default=True)
    photo = models.FileField(_("photo"), upload_to="photos/employees/", blank=True)
    language = models.CharField(_("language of notifications"), max_length=8, default="ru")
    is_active = models.BooleanField(_("active"), default=True)
    work_schedule = models.ForeignKey(
        "ServiceSchedule",
        verbose_name=_("working hours"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Escalation reminders held to working hours wait for these (empty: the ticket's schedule)."),
    )

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["last_name", "first_name"]
        constraints = [_unique_external_id("employee_unique_external_id")]

    def __str__(self) -> str:
        return self.full_name


class Team(models.Model):
    """A functional unit unrelated to the org structure; any employee may be a member."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    leader = models.ForeignKey(
        Employee,
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
    )
    members = models.ManyToManyField(Employee, verbose_name=_("members"), blank=True, related_name="teams")
    email = models.EmailField(_("team e-mail"), blank=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

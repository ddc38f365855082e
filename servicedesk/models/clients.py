"""Client base: companies with nested branches and their contact persons (seed 004, step 2)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import PersonName


class Company(models.Model):
    name = models.CharField(_("name"), max_length=255)
    external_id = models.CharField(_("external id"), max_length=255, blank=True, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="branches",
    )
    email_domain = models.CharField(
        _("mail domain"),
        max_length=255,
        blank=True,
        help_text=_("Mail from this domain is attributed to the company."),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    head = models.ForeignKey(
        "Contact",
        verbose_name=_("head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_companies",
    )

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="company_unique_external_id"
            )
        ]

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
        ids: list[int] = []
        node: Company | None = self
        while node is not None and node.pk not in ids:
            ids.append(node.pk)
            node = node.parent
        return ids


class Contact(PersonName):
    """A client's contact person; always in a company."""

    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="contacts")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact",
    )
    position = models.CharField(_("position"), max_length=255, blank=True)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    mobile_phone = models.CharField(_("mobile phone"), max_length=32, blank=True)
    language = models.CharField(_("language of notifications"), max_length=8, default="ru")
    is_active = models.BooleanField(_("active"), default=True)
    external_id = models.CharField(_("external id"), max_length=255, blank=True, db_index=True)
    sees_company_tickets = models.BooleanField(
        _("sees all tickets of the company"),
        default=False,
        help_text=_("In the personal cabinet: the tickets of every contact of the company and its branches."),
    )

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="contact_unique_external_id"
            )
        ]

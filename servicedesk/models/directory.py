"""LDAP / Active Directory connections and the log of their sync runs (seed 004, step 1).

A connection maps OUs to departments and user objects to employees. Everything a sync creates is
marked with the connection (`Department.ldap_connection`, `Employee.ldap_connection`) and the
directory's stable id (`external_id`), so renames and moves in the directory update the same card
and a manual edit of a synced field can be warned about.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Active Directory defaults (what an administrator of a Windows domain expects to see filled in).
AD_USER_FILTER = "(&(objectCategory=person)(objectClass=user))"
AD_DEPARTMENT_FILTER = "(objectClass=organizationalUnit)"
AD_ATTRIBUTE_MAP: dict[str, str] = {
    "external_id": "objectGUID",
    "login": "sAMAccountName",
    "last_name": "sn",
    "first_name": "givenName",
    "patronymic": "middleName",
    "email": "mail",
    "position": "title",
    "mobile_phone": "mobile",
    "phone_extension": "telephoneNumber",
    "disabled": "userAccountControl",
    "department_name": "ou",
}


def default_attribute_map() -> dict[str, str]:
    return dict(AD_ATTRIBUTE_MAP)


class LdapSecurity(models.TextChoices):
    NONE = "none", _("none")
    STARTTLS = "starttls", "StartTLS"
    LDAPS = "ldaps", "LDAPS (SSL)"


class LdapCheckStatus(models.TextChoices):
    NEVER = "", _("never checked")
    SUCCESS = "success", _("success")
    ERROR = "error", _("error")


class LdapConnection(models.Model):
    """One directory to import the org structure from. The password is stored only encrypted."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    url = models.CharField(
        _("connection string"),
        max_length=255,
        help_text=_("For example ldap://dc2:389 or ldaps://dc2:636."),
    )
    security = models.CharField(
        _("security protocol"), max_length=8, choices=LdapSecurity.choices, default=LdapSecurity.STARTTLS
    )
    verify_certificate = models.BooleanField(
        _("verify server certificate"),
        default=True,
        help_text=_("Turn off only for a test server with a self-signed certificate."),
    )
    ca_certificate = models.TextField(
        _("CA certificate (PEM)"),
        blank=True,
        help_text=_("The certificate of the domain's CA if it is not trusted by this server's system."),
    )
    bind_dn = models.CharField(
        _("user name"),
        max_length=255,
        blank=True,
        help_text=_("A DN such as CN=svc-sync,CN=Users,DC=corp,DC=example or Administrator@corp.example."),
    )
    password_encrypted = models.TextField(editable=False, blank=True)
    timeout = models.PositiveIntegerField(_("connection timeout, seconds"), default=60)
    base_dn = models.CharField(_("base DN"), max_length=500, help_text=_("Where the search starts."))
    user_filter = models.CharField(_("employee filter"), max_length=1000, default=AD_USER_FILTER)
    department_filter = models.CharField(
        _("department filter"),
        max_length=1000,
        default=AD_DEPARTMENT_FILTER,
        blank=True,
        help_text=_("Directory containers that become departments. Empty: no departments are imported."),
    )
    attribute_map = models.JSONField(
        _("attribute mapping"),
        default=default_attribute_map,
        help_text=_("Card field → directory attribute. Active Directory defaults are filled in."),
    )
    default_department = models.ForeignKey(
        "servicedesk.Department",
        verbose_name=_("department for employees outside any OU"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: a department named after the connection is created when needed."),
    )
    create_logins = models.BooleanField(
        _("create logins"),
        default=True,
        help_text=_("Employees get a login (without a password; give access from the card)."),
    )
    schedule_enabled = models.BooleanField(_("run on a schedule"), default=False)
    schedule_time = models.TimeField(
        _("daily at"), default=datetime.time(1, 0), help_text=_("Server time zone. The seed's advice: 01:00.")
    )
    next_run_at = models.DateTimeField(_("next scheduled run"), null=True, blank=True, db_index=True, editable=False)
    running_until = models.DateTimeField(null=True, blank=True, editable=False)

    check_status = models.CharField(
        _("status"), max_length=8, choices=LdapCheckStatus.choices, blank=True, editable=False
    )
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    last_checked_at = models.DateTimeField(_("last connection"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(_("last successful connection"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("LDAP connection")
        verbose_name_plural = _("LDAP connections")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def password(self) -> str:
        from ..mailbridge import decrypt

        return decrypt(self.password_encrypted)

    @password.setter
    def password(self, value: str) -> None:
        from ..mailbridge import encrypt

        self.password_encrypted = encrypt(value)

    @property
    def has_password(self) -> bool:
        return bool(self.password_encrypted)

    def mapped(self, field: str) -> str:
        """The directory attribute mapped to a card field ('' when the field is not synced)."""
        value = (self.attribute_map or {}).get(field, "")
        return value.strip() if isinstance(value, str) else ""


class SyncTrigger(models.TextChoices):
    MANUAL = "manual", _("Run now")
    SCHEDULE = "schedule", _("schedule")
    COMMAND = "command", _("command")


class SyncStatus(models.TextChoices):
    RUNNING = "running", _("running")
    SUCCESS = "success", _("success")
    PARTIAL = "partial", _("with errors")
    # Not "failed to send" (the outbox's word, which has the same English): a run that stopped.
    FAILED = "failed", pgettext_lazy("run", "failed")


class LdapSyncRun(models.Model):
    """The result log of one sync run."""

    connection = models.ForeignKey(
        LdapConnection, verbose_name=_("connection"), on_delete=models.CASCADE, related_name="runs"
    )
    trigger = models.CharField(_("started by"), max_length=10, choices=SyncTrigger.choices)
    status = models.CharField(_("status"), max_length=10, choices=SyncStatus.choices, default=SyncStatus.RUNNING)
    started_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    departments_created = models.PositiveIntegerField(_("departments created"), default=0)
    departments_updated = models.PositiveIntegerField(_("departments updated"), default=0)
    created = models.PositiveIntegerField(_("employees created"), default=0)
    updated = models.PositiveIntegerField(_("employees updated"), default=0)
    unchanged = models.PositiveIntegerField(_("employees unchanged"), default=0)
    deactivated = models.PositiveIntegerField(_("employees deactivated"), default=0)
    errors = models.PositiveIntegerField(_("errors"), default=0)
    log = models.TextField(_("log"), blank=True)

    class Meta:
        verbose_name = _("LDAP sync run")
        verbose_name_plural = _("LDAP sync runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.connection} {self.started_at:%Y-%m-%d %H:%M}"

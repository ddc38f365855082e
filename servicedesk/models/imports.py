"""File imports of people and organisations: one row per uploaded file, with its preview and result."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportKind(models.TextChoices):
    DEPARTMENTS = "departments", _("Departments")
    EMPLOYEES = "employees", _("Employees")
    COMPANIES = "companies", _("Companies")
    CONTACTS = "contacts", _("Contact persons")


class ImportStatus(models.TextChoices):
    VALIDATING = "validating", _("checking the file")
    PREVIEWED = "previewed", _("checked, waiting for confirmation")
    RUNNING = "running", _("importing")
    DONE = "done", _("done")
    # Not "failed to send" (the outbox's word, which has the same English): a run that stopped.
    FAILED = "failed", pgettext_lazy("run", "failed")
    CANCELLED = "cancelled", _("cancelled")


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all", _("All or nothing: import only if every row is valid")
    VALID_ONLY = "valid", _("Import the valid rows, skip the rows with errors")


class ImportJob(models.Model):
    """An uploaded file, checked first (preview, nothing written), then imported on confirmation.

    `processed_rows` / `total_rows` drive the progress bar; the counts and `errors`
    ([{"row": n, "message": "..."}], the first ERRORS_KEPT) are the result shown to the user.
    """

    ERRORS_KEPT = 1000

    kind = models.CharField(_("what"), max_length=16, choices=ImportKind.choices)
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.VALIDATING)
    mode = models.CharField(_("mode"), max_length=8, choices=ImportMode.choices, blank=True)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=8, blank=True)
    encoding = models.CharField(_("encoding"), max_length=16, blank=True)
    delimiter = models.CharField(_("separator"), max_length=1, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("row errors"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, blank=True, help_text=_("Row messages are written in the uploader's language.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("file import")
        verbose_name_plural = _("file imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.filename}"

    @property
    def progress_percent(self) -> int:
        """While importing, rows are counted twice: once read and checked, once written."""
        if not self.is_working:
            return 100
        if not self.total_rows:
            return 0
        scale = 2 if self.status == ImportStatus.RUNNING else 1
        return min(99, round(100 * self.processed_rows / (scale * self.total_rows)))

    @property
    def is_working(self) -> bool:
        return self.status in (ImportStatus.VALIDATING, ImportStatus.RUNNING)

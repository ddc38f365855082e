"""File imports as jobs: upload → check (preview, nothing written) → confirm with a mode → import.

Each step is a Celery task taking the job id; the job row holds the state, the progress and the
result, so a lost broker message is finished by `resume_imports` (run by beat) and a killed worker
leaves nothing half-written (the writing is one transaction, redone after the lease passes).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import ImportJob, ImportKind, ImportMode, ImportStatus, User
from ..people_import import engine
from ..people_import.base import Outcome
from ..people_import.readers import Table

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=15)
MAX_FILE_BYTES = 50 * 1024 * 1024


def start_import(*, kind: str, upload: File, filename: str, actor: User | None) -> ImportJob:
    """Store the file and ask for its check after commit."""
    if kind not in ImportKind.values:
        raise ValidationError({"kind": _("Choose what the file holds.")})
    if (upload.size or 0) > MAX_FILE_BYTES:
        raise ValidationError({"file": _("The file is larger than %(limit)s MB.") % {"limit": MAX_FILE_BYTES >> 20}})
    job = ImportJob(kind=kind, filename=filename[:255], created_by=actor, language=translation.get_language() or "")
    job.file.save(filename[-100:] or "import", upload, save=False)
    job.save()
    from ..tasks import check_import_task

    transaction.on_commit(lambda: check_import_task.delay(job.pk), robust=True)
    return job


def _claim(job_id: int, status: str) -> ImportJob | None:
    """Take the job for this worker unless another one holds a live lease on it."""
    now = timezone.now()
    claimed = (
        ImportJob.objects.filter(pk=job_id, status=status)
        .filter(Q(lease_until=None) | Q(lease_until__lt=now))
        .update(lease_until=now + LEASE)
    )
    return ImportJob.objects.get(pk=job_id) if claimed else None


class JobReport(engine.Report):
    """Progress of a job: `processed_rows` counts rows read, then (while importing) rows written."""

    def __init__(self, job: ImportJob, *, writing: bool) -> None:
        self.job = job
        self.writing = writing
        self.side = engine.SideChannel()
        self.read_rows = 0

    def _store(self, processed: int) -> None:
        self.side.execute(
            "UPDATE servicedesk_importjob SET processed_rows = %s WHERE id = %s", [processed, self.job.pk]
        )

    def opened(self, table: Table, unknown_columns: list[str]) -> None:
        job = self.job
        job.file_format, job.encoding, job.delimiter = table.file_format, table.encoding[:16], table.delimiter
        job.total_rows = table.total
        if unknown_columns:
            job.message = _("Columns not recognised and ignored: %(columns)s.") % {
                "columns": ", ".join(unknown_columns)
            }
        job.save(update_fields=["file_format", "encoding", "delimiter", "total_rows", "message"])

    def read(self, rows: int) -> None:
        self.read_rows = rows
        self._store(rows)

    def written(self, rows: int) -> None:
        if rows % 5000 == 0 or rows >= self.read_rows:
            self._store(self.read_rows + rows)


def _record(job: ImportJob, outcome: Outcome, status: str) -> None:
    job.total_rows = outcome.total
    job.valid_rows = outcome.created + outcome.updated + outcome.unchanged
    job.created, job.updated, job.unchanged = outcome.created, outcome.updated, outcome.unchanged
    job.skipped, job.error_count = outcome.skipped, outcome.error_count
    job.errors = outcome.errors[: ImportJob.ERRORS_KEPT]
    job.status = status
    job.lease_until = None
    job.save()


def _fail(job: ImportJob, message: str) -> None:
    job.status, job.message, job.lease_until, job.finished_at = ImportStatus.FAILED, message, None, timezone.now()
    job.save(update_fields=["status", "message", "lease_until", "finished_at"])


def check_import(*, job_id: int) -> ImportJob | None:
    """The preview: every row planned, nothing written; counts of what would happen and row errors."""
    job = _claim(job_id, ImportStatus.VALIDATING)
    if job is None:
        return None
    with translation.override(job.language or settings.LANGUAGE_CODE):
        return _check(job)


def _check(job: ImportJob) -> ImportJob:
    report = JobReport(job, writing=False)
    try:
        outcome = engine.check(job.kind, _read(job), report)
    except engine.FileError as exc:
        _fail(job, engine.file_error_message(exc))
        return job
    finally:
        report.side.close()
    _record(job, outcome, ImportStatus.PREVIEWED)
    job.processed_rows = job.total_rows
    job.save(update_fields=["processed_rows"])
    return job


def confirm_import(*, job: ImportJob, mode: str, actor: User | None) -> ImportJob:
    """Start the import of a checked file in the chosen mode."""
    if job.status != ImportStatus.PREVIEWED:
        raise ValidationError(_("This file is not waiting for confirmation."))
    if mode not in ImportMode.values:
        raise ValidationError({"mode": _("Choose how to import.")})
    if mode == ImportMode.ALL_OR_NOTHING and job.error_count:
        raise ValidationError(
            {"mode": _("The file has rows with errors: correct them, or import only the valid rows.")}
        )
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PREVIEWED).update(
        status=ImportStatus.RUNNING, mode=mode, processed_rows=0
    )
    if not updated:
        raise ValidationError(_("This file is not waiting for confirmation."))
    from ..tasks import run_import_task

    transaction.on_commit(lambda: run_import_task.delay(job.pk), robust=True)
    job.refresh_from_db()
    return job


def cancel_import(*, job: ImportJob) -> None:
    ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PREVIEWED).update(status=ImportStatus.CANCELLED)


def run_import(*, job_id: int) -> ImportJob | None:
    job = _claim(job_id, ImportStatus.RUNNING)
    if job is None:
        return None
    with translation.override(job.language or settings.LANGUAGE_CODE):
        return _run(job)


def _run(job: ImportJob) -> ImportJob:
    report = JobReport(job, writing=True)
    try:
        outcome = engine.run(job.kind, _read(job), job.mode, report)
    except engine.FileError as exc:
        _fail(job, engine.file_error_message(exc))
        return job
    finally:
        report.side.close()
    if job.mode == ImportMode.ALL_OR_NOTHING and outcome.error_count:
        _record(job, outcome, ImportStatus.FAILED)
        job.message = _("Rows with errors appeared since the check; nothing was imported.")
    else:
        _record(job, outcome, ImportStatus.DONE)
    job.processed_rows = 2 * job.total_rows
    job.finished_at = timezone.now()
    job.save(update_fields=["processed_rows", "finished_at", "message"])
    return job


def resume_imports() -> int:
    """Kick the jobs whose task was lost (no live lease and not touched for a minute)."""
    from ..tasks import check_import_task, run_import_task

    now = timezone.now()
    stale = ImportJob.objects.filter(status__in=[ImportStatus.VALIDATING, ImportStatus.RUNNING]).filter(
        Q(lease_until__lt=now) | Q(lease_until=None, created_at__lt=now - timedelta(minutes=1))
    )
    count = 0
    for pk, status in stale.values_list("pk", "status"):
        (check_import_task if status == ImportStatus.VALIDATING else run_import_task).delay(pk)
        count += 1
    return count


def _read(job: ImportJob) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()

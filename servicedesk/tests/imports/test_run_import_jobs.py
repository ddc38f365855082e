"""The technologist's flow: download a template, upload, see the preview with row errors, choose the
mode, follow the progress, read the result. And `manage.py import_people`."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from servicedesk.models import Department, Employee, ImportJob, ImportStatus
from servicedesk.people_import import readers
from servicedesk.services.imports import resume_imports
from servicedesk.testing.cast import PASSWORD, Cast

pytestmark = pytest.mark.django_db

FILE = "Фамилия;Отдел;E-mail\nИванова;Служба поддержки;ivanova@example.com\nПетров;Нет такого;petrov@example.com\n"


def technologist(client: Client) -> Client:
    assert client.login(username="system", password=PASSWORD)
    return client


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the Celery kicks queued with transaction.on_commit (the test's transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def upload(client: Client, on_commit, text: str = FILE, name: str = "people.csv") -> ImportJob:
    with on_commit():
        response = client.post(
            reverse("admin:servicedesk_importjob_add"),
            {"kind": "employees", "file": SimpleUploadedFile(name, text.encode("cp1251"))},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.latest("pk")


def test_preview_then_valid_rows_only(client: Client, cast: Cast, on_commit) -> None:
    technologist(client)
    job = upload(client, on_commit)
    assert job.status == ImportStatus.PREVIEWED  # checked at once: Celery runs eagerly in tests
    assert (job.encoding, job.delimiter, job.file_format) == ("cp1251", ";", "csv")
    assert (job.total_rows, job.created, job.error_count) == (2, 1, 1)
    assert Employee.objects.filter(email="ivanova@example.com").count() == 0
    page = client.get(reverse("admin:servicedesk_importjob_change", args=[job.pk])).content.decode()
    assert "There is no department “Нет такого”" in page and ">3<" in page  # the row number
    refused = client.post(reverse("admin:servicedesk_importjob_confirm", args=[job.pk]), {"mode": "all"})
    assert "correct them, or import only the valid rows" in refused.content.decode()
    with on_commit():
        client.post(reverse("admin:servicedesk_importjob_confirm", args=[job.pk]), {"mode": "valid"})
    job.refresh_from_db()
    assert (job.status, job.created, job.skipped, job.error_count) == (ImportStatus.DONE, 1, 1, 1)
    assert Employee.objects.get(email="ivanova@example.com").department == cast.support_department
    progress = client.get(reverse("admin:servicedesk_importjob_progress", args=[job.pk])).json()
    assert progress == {"status": "done", "percent": 100, "working": False}


def test_cancel_writes_nothing(client: Client, cast: Cast, on_commit) -> None:
    technologist(client)
    job = upload(client, on_commit, FILE.splitlines()[0] + "\n" + FILE.splitlines()[1] + "\n")
    client.post(reverse("admin:servicedesk_importjob_confirm", args=[job.pk]), {"cancel": "1"})
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED and not Employee.objects.filter(email="ivanova@example.com").exists()


def test_a_bad_file_fails_with_its_reason(client: Client, cast: Cast, on_commit) -> None:
    technologist(client)
    job = upload(client, on_commit, "Имя;Почта\nАнна;a@example.com\n")
    assert job.status == ImportStatus.FAILED and "Required columns are missing" in job.message
    page = client.get(reverse("admin:servicedesk_importjob_change", args=[job.pk])).content.decode()
    assert "Required columns are missing" in page


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "xls"])
def test_templates_download_in_both_languages(client: Client, cast: Cast, file_format: str) -> None:
    technologist(client)
    for language, surname in (("ru", "Фамилия*"), ("en", "Surname*")):
        url = reverse("admin:servicedesk_importjob_template", args=["employees", language, file_format])
        response = client.get(url)
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
        table = readers.read_table(response.content)
        assert surname in table.headers and table.file_format == file_format
        assert len(list(table.rows)) == 2


def test_operators_cannot_import(client: Client, cast: Cast) -> None:
    assert client.login(username="operator", password=PASSWORD)
    response = client.get(reverse("admin:servicedesk_importjob_add"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_lost_task_is_resumed(cast: Cast) -> None:
    from django.core.files.base import ContentFile

    job = ImportJob(kind="employees", filename="x.csv", status=ImportStatus.VALIDATING)
    job.file.save("x.csv", ContentFile(FILE.encode()), save=False)
    job.save()
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert resume_imports() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED and job.error_count == 1


def test_command_imports_and_reports(tmp_path: Path, cast: Cast) -> None:
    path = tmp_path / "people.csv"
    path.write_text(FILE, encoding="utf-8-sig")
    err = StringIO()
    with pytest.raises(CommandError, match="1 row"):
        call_command("import_people", "employees", str(path), stdout=StringIO(), stderr=err)
    assert "row 3: error: There is no department" in err.getvalue()
    assert not Employee.objects.filter(email="ivanova@example.com").exists()
    out = StringIO()
    call_command("import_people", "employees", str(path), "--valid-only", stdout=out, stderr=StringIO())
    assert json.loads(out.getvalue()) == {
        "rows": 2,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "skipped": 1,
        "errors": 1,
    }
    out = StringIO()
    call_command("import_people", "employees", str(path), "--valid-only", stdout=out, stderr=StringIO())
    assert json.loads(out.getvalue())["unchanged"] == 1
    assert Department.objects.filter(name="Нет такого").count() == 0

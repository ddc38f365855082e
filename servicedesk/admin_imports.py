"""Technologist interface → Synchronisation → File imports: templates, upload, preview, progress, result."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .forms.widgets import AdminFileInput
from .models import ImportJob, ImportKind, ImportMode, ImportStatus
from .people_import.columns import COLUMNS
from .people_import.templates import FORMATS, LANGUAGES, build_template, template_filename
from .services.imports import cancel_import, confirm_import, start_import


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"), choices=ImportKind.choices)
    file = forms.FileField(
        label=gettext_lazy("File"),
        widget=AdminFileInput,
        help_text=gettext_lazy(
            "CSV (UTF-8 or Windows-1251, separated by ; or ,), XLS or XLSX; the first row names the columns."
        ),
    )


class ConfirmForm(forms.Form):
    mode = forms.ChoiceField(label=gettext_lazy("How to import"), choices=ImportMode.choices, widget=forms.RadioSelect)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "kind",
        "filename",
        "status",
        "created",
        "updated",
        "unchanged",
        "skipped",
        "error_count",
    )
    list_filter = ("kind", "status")
    search_fields = ("filename",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path(
                "template/<str:kind>/<str:language>.<str:file_format>",
                view(self.template_view),
                name="servicedesk_importjob_template",
            ),
            path("<int:pk>/progress/", view(self.progress_view), name="servicedesk_importjob_progress"),
            path("<int:pk>/confirm/", view(self.confirm_view), name="servicedesk_importjob_confirm"),
            *super().get_urls(),
        ]

    def _context(self, request: HttpRequest, **extra: Any) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "has_view_permission": True,
            "templates": [
                (label, kind, [(lang, fmt) for lang in LANGUAGES for fmt in FORMATS])
                for kind, label in ImportKind.choices
            ],
            "columns": [(label, COLUMNS[kind]) for kind, label in ImportKind.choices],
            **extra,
        }

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")})
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                actor: Any = request.user
                job = start_import(kind=form.cleaned_data["kind"], upload=upload, filename=upload.name, actor=actor)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                return HttpResponseRedirect(reverse("admin:servicedesk_importjob_change", args=[job.pk]))
        context = self._context(request, form=form, title=_("Import from a file"))
        return TemplateResponse(request, "servicedesk/admin/import_upload.html", context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = get_object_or_404(ImportJob, pk=object_id)
        form = ConfirmForm(initial={"mode": ImportMode.VALID_ONLY if job.error_count else ImportMode.ALL_OR_NOTHING})
        return self._job_page(request, job, form)

    def _job_page(self, request: HttpRequest, job: ImportJob, form: ConfirmForm) -> HttpResponse:
        context = self._context(
            request,
            job=job,
            form=form,
            title=str(job),
            original=job,
            shown_errors=job.errors[:200],
            statuses=ImportStatus,
        )
        return TemplateResponse(request, "servicedesk/admin/import_job.html", context)

    def confirm_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if request.method != "POST" or not self.has_add_permission(request):
            raise PermissionDenied
        job = get_object_or_404(ImportJob, pk=pk)
        if "cancel" in request.POST:
            cancel_import(job=job)
            messages.info(request, _("The import was cancelled; nothing was written."))
            return HttpResponseRedirect(reverse("admin:servicedesk_importjob_changelist"))
        form = ConfirmForm(request.POST)
        if form.is_valid():
            try:
                confirm_import(job=job, mode=form.cleaned_data["mode"], actor=request.user)  # type: ignore[arg-type]
            except ValidationError as error:
                for field, errors in (
                    error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
                ):
                    form.add_error(field if field in form.fields else None, errors)
            else:
                return HttpResponseRedirect(reverse("admin:servicedesk_importjob_change", args=[job.pk]))
        return self._job_page(request, job, form)

    def progress_view(self, request: HttpRequest, pk: int) -> JsonResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = get_object_or_404(ImportJob, pk=pk)
        return JsonResponse({"status": job.status, "percent": job.progress_percent, "working": job.is_working})

    def template_view(self, request: HttpRequest, kind: str, language: str, file_format: str) -> HttpResponse:
        if kind not in ImportKind.values or language not in LANGUAGES or file_format not in FORMATS:
            raise Http404
        response = HttpResponse(build_template(kind, file_format, language), content_type=FORMATS[file_format])
        response["Content-Disposition"] = f'attachment; filename="{template_filename(kind, file_format, language)}"'
        return response

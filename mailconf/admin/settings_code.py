"""The technologist's page for settings as code: download everything as one JSON file, upload
one, see what it would change (a diff per section, computed by a rolled-back dry run), and apply
it all or nothing."""

from __future__ import annotations

import difflib
import json
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from mailconf.connections import SettingsError, export_settings, import_settings, preview_import
from servicedesk.permissions import is_technologist

MAX_BYTES = 5 * 1024 * 1024


def _pretty(value: Any) -> list[str]:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True).splitlines()


def diff_lines(before: Any, after: Any) -> list[tuple[str, str]]:
    """(css class, line) of a unified diff between two values of one section."""
    kinds = {"+": "diff-add", "-": "diff-del", "@": "diff-hunk"}
    lines = difflib.unified_diff(_pretty(before), _pretty(after), lineterm="", n=2)
    return [(kinds.get(line[:1], "diff-ctx"), line) for line in list(lines)[2:]]


def _read(request: HttpRequest) -> tuple[str, Any]:
    upload = request.FILES.get("file")
    if upload is not None:
        if upload.size and upload.size > MAX_BYTES:
            raise SettingsError([_("The file is larger than 5 MB.")])
        raw = upload.read().decode("utf-8-sig", errors="replace")
    else:
        raw = request.POST.get("text", "")
    try:
        return raw, json.loads(raw)
    except ValueError as exc:
        raise SettingsError([_("Not a JSON file: %(error)s") % {"error": exc}]) from None


def settings_code_view(request: HttpRequest, model_admin: admin.ModelAdmin) -> HttpResponse:
    if not is_technologist(request.user):
        raise PermissionDenied
    if request.method == "GET" and request.GET.get("download"):
        body = json.dumps(export_settings(), ensure_ascii=False, indent=2, sort_keys=True)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="servicedesk-settings-{stamp}.json"'
        return response
    context: dict[str, Any] = {
        **model_admin.admin_site.each_context(request),
        "title": _("Settings as code"),
        "opts": model_admin.model._meta,
    }
    if request.method == "POST":
        try:
            raw, data = _read(request)
            if request.POST.get("apply"):
                import_settings(data)
                messages.success(request, _("The settings from the file are applied."))
                return redirect(request.path)
            changes = preview_import(data)
        except SettingsError as exc:
            context["errors"] = exc.errors
        else:
            context["raw"] = raw
            context["sections"] = [(key, diff_lines(before, after)) for key, (before, after) in changes.items()]
            context["previewed"] = True
    return TemplateResponse(request, "mailconf/admin/settings_code.html", context)

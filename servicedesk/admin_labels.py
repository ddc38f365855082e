"""Technologist interface → Business process settings → Labels: every optional module with
"Turn off" / "Turn on" (seed 004, step 6)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _

from . import roles
from .labels import MODULES, disabled_modules
from .models import ModuleSwitch
from .services.labels import switch_module


@admin.register(ModuleSwitch)
class ModuleSwitchAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("<str:code>/toggle/", view(self.toggle_view), name="servicedesk_moduleswitch_toggle"),
            path("", view(self.changelist_view), name="servicedesk_moduleswitch_changelist"),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        disabled = disabled_modules()
        role_labels = roles.ROLE_LABELS
        rows = [
            {
                "module": module,
                "enabled": module.code not in disabled,
                "roles": [role_labels[r] for r in module.roles if r in role_labels],
            }
            for module in MODULES.values()
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Labels"),
            "rows": rows,
            "can_change": self.has_change_permission(request),
        }
        return TemplateResponse(request, "servicedesk/admin/labels.html", context)

    def toggle_view(self, request: HttpRequest, code: str) -> HttpResponse:
        if request.method != "POST" or not self.has_change_permission(request):
            raise PermissionDenied
        if code not in MODULES:
            raise Http404
        enabled = request.POST.get("enabled") == "1"
        switch_module(code=code, enabled=enabled, actor=request.user)  # type: ignore[arg-type]
        label = MODULES[code].label
        if enabled:
            messages.success(request, _("“%(module)s” is turned on.") % {"module": label})
        else:
            messages.success(request, _("“%(module)s” is turned off; its data is kept.") % {"module": label})
        return HttpResponseRedirect(reverse("admin:servicedesk_moduleswitch_changelist"))

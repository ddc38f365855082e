"""Technologist interface → Synchronisation → LDAP connections (Check, Run now, schedule) and the run log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .ldap_sync.client import DirectoryError
from .ldap_sync.mapping import EMPLOYEE_FIELDS
from .models import LdapConnection, LdapSyncRun
from .services.directory import check_ldap_connection, connection_saved, start_sync_now

MAPPABLE = frozenset({*EMPLOYEE_FIELDS, "login", "disabled", "external_id", "department_name"})


class LdapConnectionForm(forms.ModelForm):
    password = forms.CharField(
        label=gettext_lazy("password"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("Stored encrypted. Leave empty to keep the stored password."),
    )

    class Meta:
        model = LdapConnection
        fields = (
            "name",
            "enabled",
            "url",
            "security",
            "verify_certificate",
            "ca_certificate",
            "timeout",
            "bind_dn",
            "base_dn",
            "department_filter",
            "user_filter",
            "attribute_map",
            "default_department",
            "create_logins",
            "schedule_enabled",
            "schedule_time",
        )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        if not url.lower().startswith(("ldap://", "ldaps://")):
            raise forms.ValidationError(
                _("The connection string starts with ldap:// or ldaps://, e.g. ldap://dc2:389.")
            )
        try:
            from urllib.parse import urlsplit

            parts = urlsplit(url)
            if not parts.hostname:
                raise ValueError
            _port = parts.port
        except ValueError:
            raise forms.ValidationError(_("The connection string has no valid server name or port."))
        return url

    def clean_attribute_map(self) -> dict[str, str]:
        value = self.cleaned_data["attribute_map"]
        if not isinstance(value, dict):
            raise forms.ValidationError(_("The mapping is a JSON object of card field → attribute."))
        unknown = sorted(set(value) - MAPPABLE)
        if unknown:
            raise forms.ValidationError(
                _("Unknown card fields: %(fields)s. Known: %(known)s.")
                % {"fields": ", ".join(unknown), "known": ", ".join(sorted(MAPPABLE))}
            )
        if any(not isinstance(v, str) for v in value.values()):
            raise forms.ValidationError(_("Every attribute name is a string."))
        if not value.get("last_name", "").strip():
            raise forms.ValidationError(_("The surname must be mapped to an attribute (sn in Active Directory)."))
        return {k: v.strip() for k, v in value.items()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("security") == "none" and str(data.get("url", "")).lower().startswith("ldaps://"):
            self.add_error("security", _("An ldaps:// address is always encrypted: choose LDAPS."))
        return data

    def save(self, commit: bool = True) -> LdapConnection:
        connection = super().save(commit=False)
        if self.cleaned_data.get("password"):
            connection.password = self.cleaned_data["password"]
        if commit:
            connection.save()
        return connection


class LdapSyncRunInline(admin.TabularInline):
    model = LdapSyncRun
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    fields = ("started_at", "trigger", "status", "created", "updated", "deactivated", "errors")
    readonly_fields = fields
    ordering = ("-started_at",)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).order_by("-started_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LdapConnection)
class LdapConnectionAdmin(admin.ModelAdmin):
    form = LdapConnectionForm
    change_form_template = "servicedesk/admin/ldap_change_form.html"
    list_display = ("name", "url", "enabled", "schedule", "check_status", "last_success_at", "next_run_at")
    readonly_fields = ("check_status", "last_checked_at", "last_success_at", "last_error", "next_run_at")
    inlines = [LdapSyncRunInline]
    fieldsets = (
        (
            gettext_lazy("Connection"),
            {
                "fields": (
                    "name",
                    "enabled",
                    "url",
                    "security",
                    "verify_certificate",
                    "ca_certificate",
                    "timeout",
                    "bind_dn",
                    "password",
                )
            },
        ),
        (
            gettext_lazy("What to import"),
            {
                "fields": (
                    "base_dn",
                    "department_filter",
                    "user_filter",
                    "attribute_map",
                    "default_department",
                    "create_logins",
                )
            },
        ),
        (gettext_lazy("Schedule"), {"fields": ("schedule_enabled", "schedule_time", "next_run_at")}),
        (
            gettext_lazy("Connection check"),
            {"fields": ("check_status", "last_checked_at", "last_success_at", "last_error")},
        ),
    )

    @admin.display(description=gettext_lazy("schedule"))
    def schedule(self, obj: LdapConnection) -> str:
        return _("daily at %(time)s") % {"time": obj.schedule_time.strftime("%H:%M")} if obj.schedule_enabled else "—"

    def save_model(self, request: HttpRequest, obj: LdapConnection, form: Any, change: bool) -> None:
        obj.save()
        connection_saved(obj)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/check/", view(self.check_view), name="servicedesk_ldap_check"),
            path("<int:pk>/run/", view(self.run_view), name="servicedesk_ldap_run"),
            *super().get_urls(),
        ]

    def _allowed(self, request: HttpRequest, pk: int) -> LdapConnection:
        connection = get_object_or_404(LdapConnection, pk=pk)
        if request.method != "POST" or not self.has_change_permission(request, connection):
            raise PermissionDenied
        return connection

    def _back(self, pk: int) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:servicedesk_ldapconnection_change", args=[pk]))

    def check_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        connection = self._allowed(request, pk)
        error: DirectoryError | None = check_ldap_connection(connection=connection)
        if error is None:
            messages.success(
                request,
                _("Connected and bound. The filters find %(people)s user entries and %(units)s departments%(more)s.")
                % {
                    "people": connection.found_people,  # type: ignore[attr-defined]
                    "units": connection.found_units,  # type: ignore[attr-defined]
                    "more": _(" (the count stops at 1000)") if connection.found_people >= 1000 else "",  # type: ignore[attr-defined]
                },
            )
        else:
            messages.error(request, _("Check failed: %(error)s") % {"error": error.message})
        return self._back(pk)

    def run_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        connection = self._allowed(request, pk)
        start_sync_now(connection=connection)
        messages.success(request, _("The sync is started; its result appears in the run log below."))
        return self._back(pk)


@admin.register(LdapSyncRun)
class LdapSyncRunAdmin(admin.ModelAdmin):
    list_display = (
        "started_at",
        "connection",
        "trigger",
        "status",
        "created",
        "updated",
        "unchanged",
        "deactivated",
        "errors",
    )
    list_filter = ("connection", "status", "trigger")
    readonly_fields = (
        "connection",
        "trigger",
        "status",
        "started_at",
        "finished_at",
        "departments_created",
        "departments_updated",
        "created",
        "updated",
        "unchanged",
        "deactivated",
        "errors",
        "log",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

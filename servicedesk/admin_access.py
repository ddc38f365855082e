"""Audit of logins in the technologist interface: failed logins, lockout counters, successful
logins (django-axes' journal, shown through proxies with labels people read). Administrators see
it (servicedesk/auth_backends.py); deleting a lockout counter unlocks that login or address."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import npgettext_lazy, pgettext_lazy

from .admin_grammar import FEMININE, MASCULINE, Noun, register_nouns
from .models.audit import LoginFailure, LoginLockout, LoginRecord

register_nouns(
    {
        LoginLockout: Noun(
            pgettext_lazy("accusative", "failed login counter"),
            pgettext_lazy("accusative plural", "failed login counters"),
            pgettext_lazy("genitive", "failed login counter"),
            npgettext_lazy("count", "%(count)s failed login counter", "%(count)s failed login counters", "count"),
            MASCULINE,
        ),
        LoginFailure: Noun(
            pgettext_lazy("accusative", "failed login"),
            pgettext_lazy("accusative plural", "failed logins"),
            pgettext_lazy("genitive", "failed login"),
            npgettext_lazy("count", "%(count)s failed login", "%(count)s failed logins", "count"),
            FEMININE,
        ),
        LoginRecord: Noun(
            pgettext_lazy("accusative", "login"),
            pgettext_lazy("accusative plural", "logins"),
            pgettext_lazy("genitive", "login"),
            npgettext_lazy("count", "%(count)s login", "%(count)s logins", "count"),
            MASCULINE,
        ),
    }
)


class ReadOnlyJournal(admin.ModelAdmin):
    """django-axes' columns under names people read; the raw request data stays out of sight."""

    date_hierarchy = "attempt_time"
    search_fields = ("username", "ip_address")
    list_filter = ["attempt_time"]

    @admin.display(description=_("when"), ordering="attempt_time")
    def when(self, obj: Any) -> Any:
        return obj.attempt_time

    @admin.display(description=_("login"), ordering="username")
    def login(self, obj: Any) -> str:
        return obj.username or "—"

    @admin.display(description=_("IP address"), ordering="ip_address")
    def address_ip(self, obj: Any) -> str:
        return obj.ip_address or "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(LoginFailure)
class LoginFailureAdmin(ReadOnlyJournal):
    list_display = ("when", "login", "address_ip", "path", "locked", "agent")
    list_filter = ["locked_out", "attempt_time"]
    fields = list_display
    readonly_fields = list_display

    @admin.display(description=_("login page"), ordering="path_info")
    def path(self, obj: LoginFailure) -> str:
        # django-axes writes "<unknown>" when the login came without a request path.
        return obj.path_info if obj.path_info.startswith("/") else "—"

    @admin.display(description=_("locked out"), boolean=True, ordering="locked_out")
    def locked(self, obj: LoginFailure) -> bool:
        return obj.locked_out

    @admin.display(description=_("browser"))
    def agent(self, obj: LoginFailure) -> str:
        return obj.user_agent[:80] if obj.user_agent != "<unknown>" else "—"

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(LoginLockout)
class LoginLockoutAdmin(ReadOnlyJournal):
    list_display = ("when", "login", "address_ip", "failures")
    fields = list_display
    readonly_fields = list_display

    @admin.display(description=_("failed logins"), ordering="failures_since_start")
    def failures(self, obj: LoginLockout) -> int:
        return obj.failures_since_start


@admin.register(LoginRecord)
class LoginRecordAdmin(ReadOnlyJournal):
    list_display = ("when", "login", "address_ip", "logged_out")
    fields = list_display
    readonly_fields = list_display

    @admin.display(description=_("logged out"), ordering="logout_time")
    def logged_out(self, obj: LoginRecord) -> Any:
        return obj.logout_time or "—"

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

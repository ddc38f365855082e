"""Technologist interface for the core reference books (org structure, clients, catalogue)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import (
    Company,
    Contact,
    Department,
    Employee,
    Service,
    Team,
    Ticket,
    TicketType,
    User,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("Preferences"), {"fields": ("language",)}))
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active")


class EmployeeInline(admin.TabularInline):
    model = Employee
    fields = ("last_name", "first_name", "patronymic", "position", "email", "phone_extension", "is_licensed")
    extra = 0
    show_change_link = True


class SyncedCardAdmin(admin.ModelAdmin):
    """Cards kept by an LDAP sync: the change form says so, and saving a synced field warns."""

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        from .views.org_admin import _sync_notice

        obj = self.get_object(request, object_id)
        notice = _sync_notice(obj) if obj is not None else None
        if notice is not None and request.method == "GET":
            self.message_user(
                request,
                _(
                    "This card is kept by the directory sync “%(connection)s”; changes to %(fields)s are overwritten at the next sync."
                )
                % {"connection": notice["connection"], "fields": ", ".join(notice["fields"])},
                messages.WARNING,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from .views.org_admin import _sync_notice, warn_synced_edit

        super().save_model(request, obj, form, change)
        if change:
            warn_synced_edit(request, form, _sync_notice(obj))


@admin.register(Department)
class DepartmentAdmin(SyncedCardAdmin):
    list_display = ("name", "parent", "head")
    search_fields = ("name",)
    list_select_related = ("parent", "head")
    autocomplete_fields = ("parent", "head")
    inlines = [EmployeeInline]


@admin.register(Employee)
class EmployeeAdmin(SyncedCardAdmin):
    list_display = ("full_name", "department", "position", "email", "phone_extension", "is_licensed", "is_active")
    list_filter = ("is_licensed", "is_active", "department")
    search_fields = ("last_name", "first_name", "patronymic", "email", "phone_extension", "mobile_phone")
    list_select_related = ("department",)
    autocomplete_fields = ("department", "user")
    fieldsets = (
        (None, {"fields": ("last_name", "first_name", "patronymic", "department", "position", "photo")}),
        (_("Account"), {"fields": ("user", "is_licensed", "is_active", "language")}),
        (_("Contact information"), {"fields": ("email", "mobile_phone", "phone_extension")}),
    )

    @admin.display(description=_("full name"), ordering="last_name")
    def full_name(self, obj: Employee) -> str:
        return obj.full_name


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "leader", "email")
    search_fields = ("name",)
    filter_horizontal = ("members",)
    autocomplete_fields = ("leader",)


class ContactInline(admin.TabularInline):
    model = Contact
    fields = ("last_name", "first_name", "patronymic", "position", "email", "phone")
    extra = 0
    show_change_link = True


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "email_domain", "phone")
    search_fields = ("name", "email_domain")
    autocomplete_fields = ("parent", "head")
    inlines = [ContactInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("full_name", "company", "position", "email", "phone", "is_active")
    list_filter = ("is_active",)
    search_fields = ("last_name", "first_name", "email", "phone", "company__name")
    list_select_related = ("company",)
    autocomplete_fields = ("company", "user")

    @admin.display(description=_("full name"), ordering="last_name")
    def full_name(self, obj: Contact) -> str:
        return obj.full_name


@admin.register(TicketType)
class TicketTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "code", "is_active")


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "responsible_employee", "responsible_team", "is_active")
    list_filter = ("is_active", "ticket_types")
    search_fields = ("name", "name_en")
    autocomplete_fields = ("parent", "responsible_employee", "responsible_team")
    filter_horizontal = ("ticket_types",)


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-only view for technologists; tickets are worked in the operator interface."""

    list_display = ("id", "subject", "status", "priority", "type", "service", "responsible_employee", "created_at")
    list_filter = ("status", "priority", "type", "channel")
    search_fields = ("=id", "subject", "requester_email")
    list_select_related = ("type", "service", "responsible_employee")
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Ticket | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Ticket | None = None) -> bool:
        return False


# Synchronisation (file imports, LDAP) and labels live in their own modules (registered on import).
from . import (  # noqa: E402,F401
    admin_directory,
    admin_imports,
    admin_labels,
    admin_sla,  # noqa: E402,F401  (schedules, calendars, agreements and their SLA rules)
)

"""Technologist interface for the core reference books (org structure, clients, catalogue)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import (
    Agreement,
    Company,
    Contact,
    Department,
    Employee,
    Service,
    ServiceSchedule,
    Team,
    Ticket,
    TicketType,
    User,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), (_("Preferences"), {"fields": ("language",)}))
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active")


class EmployeeInline(admin.TabularInline):
    model = Employee
    fields = ("last_name", "first_name", "patronymic", "position", "email", "phone_extension", "is_licensed")
    extra = 0
    show_change_link = True


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "head")
    search_fields = ("name",)
    list_select_related = ("parent", "head")
    autocomplete_fields = ("parent", "head")
    inlines = [EmployeeInline]


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
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


@admin.register(ServiceSchedule)
class ServiceScheduleAdmin(admin.ModelAdmin):
    list_display = ("name", "timezone", "around_the_clock")


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ("name", "is_base", "spread_over_org", "schedule", "reaction_hours", "resolution_hours", "is_active")
    search_fields = ("name", "name_en")
    readonly_fields = ("is_base",)
    filter_horizontal = ("services", "employees", "departments", "companies", "contacts")
    fieldsets = (
        (None, {"fields": ("name", "name_en", "is_base", "description", "is_active")}),
        (_("Recipients"), {"fields": ("employees", "departments", "companies", "contacts", "spread_over_org")}),
        (_("Services and SLA"), {"fields": ("services", "schedule", "reaction_hours", "resolution_hours")}),
    )

    def has_delete_permission(self, request: HttpRequest, obj: Agreement | None = None) -> bool:
        if obj is not None and obj.is_base:
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request: HttpRequest):  # type: ignore[no-untyped-def]
        # Leave the base agreement out of the confirmation, so selecting it with others does not
        # refuse the whole bulk delete; delete_queryset then keeps it and says so.
        if isinstance(objs, QuerySet):
            objs = objs.filter(is_base=False)
        else:
            objs = [obj for obj in objs if not obj.is_base]
        return super().get_deleted_objects(objs, request)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Agreement]) -> None:
        if queryset.filter(is_base=True).exists():
            self.message_user(request, _("The base agreement cannot be deleted; it was kept."), messages.WARNING)
        for agreement in queryset.filter(is_base=False):
            try:
                agreement.delete()
            except ValidationError as exc:
                self.message_user(request, "; ".join(exc.messages), messages.ERROR)


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

"""Technologist interface for the core reference books (org structure, clients, catalogue)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import admin_access, permissions, roles
from .admin_grammar import django_text, django_text_lazy, register_nouns
from .admin_nouns import NOUNS
from .forms.profile import language_choices, language_names, time_zone_choices
from .forms.widgets import AdminFilePicker
from .models import (
    Company,
    Contact,
    Department,
    Employee,
    Role,
    Service,
    Team,
    Ticket,
    TicketType,
    User,
)

register_nouns(NOUNS)


class RoleChoiceField(forms.ModelMultipleChoiceField):
    """User groups by the seed's names (Администратор, Специалист, …), not by their codes."""

    def label_from_instance(self, obj: Group) -> str:
        return roles.group_label(obj.name)


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    """Django stores permission names once, in English ("Can add log entry"); the built-in ones
    are shown in the reader's language from the model's names and Django's own verbs."""

    VERBS = {"add": "Add", "change": "Change", "delete": "Delete", "view": "View"}

    def label_from_instance(self, obj: Permission) -> str:
        model = obj.content_type.model_class()
        action, _sep, model_name = obj.codename.partition("_")
        if model is None or action not in self.VERBS or model_name != model._meta.model_name:
            return str(obj)
        app = model._meta.app_config.verbose_name if model._meta.app_config else model._meta.app_label
        return f"{capfirst(app)} | {capfirst(model._meta.verbose_name)} | {django_text(self.VERBS[action])}"


def rights_field(**kwargs: Any) -> RoleChoiceField:
    return RoleChoiceField(
        queryset=Group.objects.filter(name__in=roles.ALL_ROLES).order_by("pk"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Rights"),
        help_text=_("User groups of seed 004; several at once."),
        **kwargs,
    )


class PreferenceChoicesMixin:
    """A person's language and time zone are chosen from a list, never typed: a typo would
    silently fall back to the defaults."""

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name not in ("language", "time_zone"):
            return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
        if db_field.name == "time_zone":
            choices: Any = time_zone_choices
        else:
            choices = language_choices if db_field.blank else language_names
        return forms.ChoiceField(
            label=capfirst(db_field.verbose_name),
            choices=choices,
            required=not db_field.blank,
            # The model's help says what an empty value means; in a list the empty choice says it.
        )


class RoleFilter(admin.SimpleListFilter):
    title = _("Rights")
    parameter_name = "role"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(code, roles.group_label(code)) for code in roles.ALL_ROLES]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        return queryset.filter(groups__name=self.value()) if self.value() in roles.ALL_ROLES else queryset


@admin.register(User)
class UserAdmin(PreferenceChoicesMixin, DjangoUserAdmin):
    """People's access is an administrator's business (servicedesk/auth_backends.py). Only a
    superuser sees or sets superuser status, staff status and raw permissions, or changes another
    superuser's account, its password included."""

    list_display = ("username", "email", "first_name", "last_name", "rights", "is_active")
    list_filter = ("is_active", RoleFilter)
    limited_fieldsets = (
        (None, {"fields": ("username", "password")}),
        (django_text_lazy("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Rights"), {"fields": ("is_active", "groups")}),
        (_("Preferences"), {"fields": ("language", "time_zone")}),
        (django_text_lazy("Important dates"), {"fields": ("last_login", "date_joined")}),
    )

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> Any:
        if obj is None:
            return super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return (*(DjangoUserAdmin.fieldsets or ()), (_("Preferences"), {"fields": ("language", "time_zone")}))
        return self.limited_fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> Any:
        return ("last_login", "date_joined") if not request.user.is_superuser else ()

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "groups":
            return rights_field()
        if db_field.name == "user_permissions":
            kwargs["form_class"] = PermissionChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _guards_superuser(self, request: HttpRequest, obj: User | None) -> bool:
        return obj is not None and obj.is_superuser and not request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return not self._guards_superuser(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return not self._guards_superuser(request, obj) and super().has_delete_permission(request, obj)

    @admin.display(description=_("Rights"))
    def rights(self, obj: User) -> str:
        return ", ".join(roles.group_label(code) for code in sorted(obj.role_codes()))


admin.site.unregister(Group)


@admin.register(Role)
class GroupAdmin(DjangoGroupAdmin):
    """The groups are the seed's fixed roles; what they may do is in code (servicedesk.permissions),
    so their rows are for superusers only, shown by their names."""

    list_display = ("label",)

    def get_fields(self, request: HttpRequest, obj: Group | None = None) -> Any:
        # A role's code is what the code checks: renaming it would silently take the role away.
        return ("label", "permissions") if obj is not None and obj.name in roles.ALL_ROLES else ("name", "permissions")

    def get_readonly_fields(self, request: HttpRequest, obj: Group | None = None) -> Any:
        return ("label",)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest | None = None, **kwargs: Any) -> Any:
        if db_field.name == "permissions":
            kwargs["form_class"] = PermissionChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("name"))
    def label(self, obj: Group) -> str:
        return roles.group_label(obj.name)


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


def access_readonly_fields(request: HttpRequest, obj: Any, access_fields: tuple[str, ...]) -> tuple[str, ...]:
    """A card's fields `request.user` may only read: its login's (`access_fields`) without the right
    to manage access, and its e-mail when that is where a privileged login's access links go."""
    fields = () if permissions.manages_access(request.user) else access_fields
    login = obj.user if obj is not None else None
    return fields if permissions.may_change_email(request.user, login) else (*fields, "email")


class EmployeeAdminForm(forms.ModelForm):
    """The employee card with the «Права» field of seed 004: the groups of the card's login."""

    rights = rights_field()

    class Meta:
        model = Employee
        fields = (
            "last_name",
            "first_name",
            "patronymic",
            "department",
            "position",
            "photo",
            "user",
            "is_licensed",
            "is_active",
            "language",
            "email",
            "mobile_phone",
            "phone_extension",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "rights" not in self.fields:  # read-only for this user: shown by EmployeeAdmin.rights
            return
        user = self.instance.user if self.instance.pk else None
        if user is not None:
            self.fields["rights"].initial = list(user.groups.filter(name__in=roles.ALL_ROLES))
        else:
            self.fields["rights"].disabled = True
            self.fields["rights"].help_text = _("The employee has no login; give one to grant rights.")

    def save_rights(self) -> None:
        user = self.instance.user
        if (
            user is None
            or "rights" not in self.fields
            or self.fields["rights"].disabled
            or "rights" not in self.changed_data
        ):
            return
        kept = user.groups.exclude(name__in=roles.ALL_ROLES)
        user.groups.set([*kept, *self.cleaned_data["rights"]])


@admin.register(Employee)
class EmployeeAdmin(PreferenceChoicesMixin, SyncedCardAdmin):
    formfield_overrides = {models.FileField: {"widget": AdminFilePicker}}
    list_display = ("full_name", "department", "position", "email", "phone_extension", "is_licensed", "is_active")
    list_filter = ("is_licensed", "is_active", "department")
    search_fields = ("last_name", "first_name", "patronymic", "email", "phone_extension", "mobile_phone")
    list_select_related = ("department",)
    autocomplete_fields = ("department", "user")
    form = EmployeeAdminForm
    fieldsets = (
        (None, {"fields": ("last_name", "first_name", "patronymic", "department", "position", "photo")}),
        (_("Account"), {"fields": ("user", "rights", "is_licensed", "is_active", "language")}),
        (_("Contact information"), {"fields": ("email", "mobile_phone", "phone_extension")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Employee | None = None) -> Any:
        # Granting rights and linking logins is managing access: an administrator's, not a
        # technologist's (README "Rights"); so is the e-mail of a privileged login.
        return access_readonly_fields(request, obj, ("user", "rights"))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if request.user.has_perm("servicedesk.change_user") and isinstance(form, EmployeeAdminForm):
            form.save_rights()

    @admin.display(description=_("Rights"))
    def rights(self, obj: Employee) -> str:
        return ", ".join(roles.group_label(code) for code in sorted(obj.user.role_codes())) if obj.user else "—"

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
class ContactAdmin(PreferenceChoicesMixin, admin.ModelAdmin):
    list_display = ("full_name", "company", "position", "email", "phone", "is_active")
    list_filter = ("is_active",)
    search_fields = ("last_name", "first_name", "email", "phone", "company__name")
    list_select_related = ("company",)
    autocomplete_fields = ("company", "user")

    def get_readonly_fields(self, request: HttpRequest, obj: Contact | None = None) -> Any:
        return access_readonly_fields(request, obj, ("user",))

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

__all__ = ["admin_access"]  # registered on import: the login audit

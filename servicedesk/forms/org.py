"""Forms for maintaining the organisation in the operator interface (seed 004, steps 1-4).

They are ModelForms, so the model's validation (required fields, lengths, unique constraints,
`clean()`) is the same as in the technologist interface; a few querysets are narrowed so that a
form never lists tens of thousands of imported people.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from .. import permissions, roles
from ..models import Agreement, Company, Contact, Department, Employee, Service, Team, TicketType
from .profile import language_names
from .widgets import EmployeeChoiceField, active_employees

# Above this many rows a many-to-many field of people is left to the technologist interface.
PEOPLE_LIST_LIMIT = 300
ASSIGNABLE_ROLES = tuple(r for r in roles.ALL_ROLES if r != roles.TECHNOLOGIST)


class PersonName(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name


class PeopleMultiple(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ("name", "parent", "head", "external_id")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["head"] = PersonName(
            label=_("head"),
            required=False,
            queryset=Employee.objects.filter(department=self.instance) if self.instance.pk else Employee.objects.none(),
            help_text=_("An employee of this department."),
        )


class CompanyForm(forms.ModelForm):
    class Meta:
        model = Company
        fields = ("name", "parent", "email_domain", "phone", "head", "external_id")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["head"] = PersonName(
            label=_("head"),
            required=False,
            queryset=Contact.objects.filter(company=self.instance) if self.instance.pk else Contact.objects.none(),
            help_text=_("A contact person of this company."),
        )


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ("name", "leader", "email", "members")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"] = EmployeeChoiceField(label=_("leader"), queryset=active_employees(), required=False)
        self.fields["members"] = PeopleMultiple(
            label=_("members"),
            queryset=active_employees(),
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 12}),
            help_text=_("Active licensed employees. Hold Ctrl (⌘ on a Mac) to choose several."),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        leader, members = data.get("leader"), data.get("members")
        if leader is not None and members is not None and leader not in members:
            data["members"] = [*members, leader]  # the leader is always a member
        return data


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = (
            "name",
            "name_en",
            "parent",
            "description",
            "ticket_types",
            "responsible_employee",
            "responsible_team",
            "is_active",
        )
        widgets = {"ticket_types": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ticket_types"].queryset = TicketType.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["responsible_employee"] = EmployeeChoiceField(
            label=_("responsible employee"), queryset=active_employees(), required=False
        )


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = (
            "name",
            "name_en",
            "description",
            "services",
            "departments",
            "companies",
            "employees",
            "contacts",
            "spread_over_org",
            "schedule",
            "reaction_amount",
            "reaction_unit",
            "resolution_amount",
            "resolution_unit",
            "is_active",
        )
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_many: list[str] = []
        for name, model in (("employees", Employee), ("contacts", Contact)):
            if model.objects.count() > PEOPLE_LIST_LIMIT:
                del self.fields[name]
                self.too_many.append(str(model._meta.verbose_name_plural))
            else:
                self.fields[name] = PeopleMultiple(
                    label=self.fields[name].label, queryset=model.objects.all(), required=False
                )
        for name in ("services", "departments", "companies", "employees", "contacts"):
            if name in self.fields:
                self.fields[name].widget.attrs["size"] = 8
                self.fields[name].help_text = _("Hold Ctrl (⌘ on a Mac) to choose several.")


class PersonAccessMixin(forms.Form):
    """The seed's "account parameters" block of the add form: login and "generate a password"."""

    login = forms.CharField(
        label=_("Login"),
        required=False,
        max_length=150,
        help_text=_("Empty: no login. Filled: the login is created without a password."),
    )
    send_access = forms.BooleanField(
        label=_("Generate a password and send it"),
        required=False,
        help_text=_("Mails a one-time link to choose the password, with the login."),
    )
    language = forms.ChoiceField(label=_("Language of notifications"), choices=language_names)
    ACCESS_FIELDS = ("login", "send_access", "roles")

    def limit_to(self, actor: Any) -> None:
        """Drop what `actor` may not do: the login, its rights and access links belong to those who
        manage access; the e-mail of a privileged login (where its access links go) is kept."""
        if not permissions.manages_access(actor):
            for name in self.ACCESS_FIELDS:
                self.fields.pop(name, None)
        instance: Any = getattr(self, "instance", None)
        login = instance.user if instance is not None and instance.pk else None
        if "email" in self.fields and not permissions.may_change_email(actor, login):
            self.fields["email"].disabled = True
            self.fields["email"].help_text = _("The e-mail of an administrator's login is changed by an administrator.")


class EmployeeForm(PersonAccessMixin, forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("Rights"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("User groups of the login."),
    )

    class Meta:
        model = Employee
        fields = (
            "last_name",
            "first_name",
            "patronymic",
            "department",
            "position",
            "email",
            "mobile_phone",
            "phone_extension",
            "is_licensed",
            "is_active",
            "language",
        )
        labels = {"first_name": _("First name")}

    def __init__(self, *args: Any, hidden_roles: set[str] = frozenset(), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.managed_roles = [r for r in ASSIGNABLE_ROLES if r not in hidden_roles]
        roles_field = self.fields["roles"]
        assert isinstance(roles_field, forms.MultipleChoiceField)
        roles_field.choices = [(r, roles.ROLE_LABELS[r]) for r in self.managed_roles]
        user = self.instance.user if self.instance.pk else None
        if user is not None:
            self.fields["login"].initial = user.username
            self.fields["roles"].initial = list(user.groups.values_list("name", flat=True))
        self.hidden_roles = hidden_roles

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_login = bool(data.get("login")) or (self.instance.pk and self.instance.user_id)
        if data.get("roles") and not has_login:
            self.add_error("roles", _("Give the employee a login to assign rights."))
        if data.get("send_access") and not data.get("email"):
            self.add_error("email", _("An e-mail address is needed to send the link."))
        return data

    def save_roles(self, employee: Employee) -> None:
        if employee.user is None or "roles" not in self.fields:
            return
        chosen = set(self.cleaned_data.get("roles") or [])
        managed = set(self.managed_roles)
        user = employee.user
        current = set(user.groups.values_list("name", flat=True))
        user.groups.remove(*Group.objects.filter(name__in=(current & managed) - chosen))
        user.groups.add(*Group.objects.filter(name__in=chosen - current))


class ContactForm(PersonAccessMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = (
            "last_name",
            "first_name",
            "patronymic",
            "company",
            "position",
            "email",
            "phone",
            "mobile_phone",
            "is_active",
            "sees_company_tickets",
            "language",
        )
        labels = {"first_name": _("First name")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.user is not None:
            self.fields["login"].initial = self.instance.user.username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("send_access") and not data.get("email"):
            self.add_error("email", _("An e-mail address is needed to send the link."))
        return data

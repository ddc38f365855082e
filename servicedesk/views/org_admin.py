"""Administrators (and technologists) maintain the organisation in the operator interface: departments,
employees, teams, companies, contact persons, services and agreements (seed 004: "in the operator
interface, company card"). Forms are ModelForms, so the rules are the model's, as in the admin."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Model, ProtectedError, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import permissions
from ..forms import apply_validation_error
from ..forms.org import AgreementForm, CompanyForm, ContactForm, DepartmentForm, EmployeeForm, ServiceForm, TeamForm
from ..labels import disabled_modules, hidden_values
from ..ldap_sync.mapping import synced_employee_fields
from ..models import Agreement, Company, Contact, Department, Employee, Service, Team
from ..services.access import access_unavailable_reason, ensure_login, give_access, suggested_login

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


def maintainer_required(view: ViewFunc) -> ViewFunc:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (permissions.is_operator(request.user) and permissions.maintains_org(request.user)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


@dataclass(frozen=True)
class Section:
    slug: str
    title: Any
    model: type[Model]
    form: type[forms.ModelForm]
    columns: tuple[tuple[str, Any], ...]
    queryset: Callable[[], QuerySet[Any]]


SECTIONS: dict[str, Section] = {
    s.slug: s
    for s in (
        Section(
            "departments",
            gettext_lazy("Departments"),
            Department,
            DepartmentForm,
            (("parent", gettext_lazy("Parent")), ("head", gettext_lazy("Head")), ("n", gettext_lazy("Employees"))),
            lambda: Department.objects.select_related("parent", "head", "ldap_connection").annotate(
                n=Count("employees")
            ),
        ),
        Section(
            "teams",
            gettext_lazy("Teams"),
            Team,
            TeamForm,
            (("leader", gettext_lazy("Leader")), ("email", gettext_lazy("E-mail")), ("n", gettext_lazy("Members"))),
            lambda: Team.objects.select_related("leader").annotate(n=Count("members")),
        ),
        Section(
            "companies",
            gettext_lazy("Companies"),
            Company,
            CompanyForm,
            (
                ("parent", gettext_lazy("Parent company")),
                ("email_domain", gettext_lazy("Mail domain")),
                ("n", gettext_lazy("Contact persons")),
            ),
            lambda: Company.objects.select_related("parent").annotate(n=Count("contacts")),
        ),
        Section(
            "services",
            gettext_lazy("Services"),
            Service,
            ServiceForm,
            (
                ("parent", gettext_lazy("Parent service")),
                ("responsible_team", gettext_lazy("Responsible team")),
                ("is_active", gettext_lazy("Active")),
            ),
            lambda: Service.objects.select_related("parent", "responsible_team"),
        ),
        Section(
            "agreements",
            gettext_lazy("Agreements"),
            Agreement,
            AgreementForm,
            (
                ("schedule", gettext_lazy("Schedule")),
                ("resolution_label", gettext_lazy("Resolution time")),
                ("is_active", gettext_lazy("Active")),
            ),
            lambda: Agreement.objects.select_related("schedule"),
        ),
    )
}


def _section(slug: str) -> Section:
    if slug not in SECTIONS:
        raise Http404
    return SECTIONS[slug]


def _nav(active: str) -> list[tuple[str, Any, bool]]:
    return [(s.slug, s.title, s.slug == active) for s in SECTIONS.values()]


@maintainer_required
def org_home(request: HttpRequest) -> HttpResponse:
    return redirect("org_list", slug="departments")


@maintainer_required
def org_list(request: HttpRequest, slug: str) -> HttpResponse:
    section = _section(slug)
    rows = [(obj, [_cell(obj, name) for name, _label in section.columns]) for obj in section.queryset()[:1000]]
    context = {"section": section, "rows": rows, "nav": _nav(slug)}
    return render(request, "servicedesk/org/list.html", context)


def _cell(obj: Any, name: str) -> Any:
    value = getattr(obj, name, "")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Employee | Contact):
        return value.full_name
    return "—" if value in (None, "") else value


def _save(form: forms.ModelForm) -> Model:
    obj = form.save(commit=False)
    obj.save()
    form.save_m2m()
    return obj


@maintainer_required
def org_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    section = _section(slug)
    instance = get_object_or_404(section.model, pk=pk) if pk is not None else None
    initial = {"parent": request.GET.get("parent")} if pk is None and request.GET.get("parent") else None
    form = section.form(request.POST or None, instance=instance, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            obj = _save(form)
        messages.success(request, _("“%(name)s” is saved.") % {"name": obj})
        return redirect("org_list", slug=slug)
    heading = _("New: %(what)s") % {"what": section.model._meta.verbose_name}
    context = {
        "section": section,
        "form": form,
        "object": instance,
        "nav": _nav(slug),
        "sync": _sync_notice(instance),
        "heading": heading,
    }
    return render(request, "servicedesk/org/form.html", context)


@maintainer_required
def org_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    section = _section(slug)
    obj = get_object_or_404(section.model, pk=pk)
    if request.method == "POST":
        try:
            with transaction.atomic():
                obj.delete()
        except ProtectedError as error:
            used = sorted({str(o._meta.verbose_name_plural) for o in error.protected_objects})
            messages.error(
                request,
                _("“%(name)s” is in use (%(what)s) and cannot be deleted.") % {"name": obj, "what": ", ".join(used)},
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("“%(name)s” is deleted.") % {"name": obj})
        return redirect("org_list", slug=slug)
    return render(request, "servicedesk/org/delete.html", {"section": section, "object": obj, "nav": _nav(slug)})


# --- employees and contact persons ------------------------------------------------------------


def _sync_notice(instance: Any) -> dict[str, Any] | None:
    connection = getattr(instance, "ldap_connection", None)
    if connection is None:
        return None
    fields = synced_employee_fields(connection) if isinstance(instance, Employee) else {"name", "parent"}
    labels = sorted(str(instance._meta.get_field(f).verbose_name) for f in fields if _has_field(instance, f))
    return {"connection": connection, "fields": labels, "names": fields, "at": instance.synced_at}


def _has_field(instance: Any, name: str) -> bool:
    try:
        instance._meta.get_field(name)
    except Exception:
        return False
    return True


def warn_synced_edit(request: HttpRequest, form: forms.ModelForm, notice: dict[str, Any] | None) -> None:
    """The seed's caution: a hand edit of a field the directory owns is overwritten at the next sync."""
    if notice is None:
        return
    touched = sorted(str(form.fields[n].label) for n in form.changed_data if n in notice["names"] and n in form.fields)
    if touched:
        messages.warning(
            request,
            _("%(fields)s will be overwritten by the next sync with “%(connection)s”; change them in the directory.")
            % {"fields": ", ".join(touched), "connection": notice["connection"]},
        )


def _person_form(request: HttpRequest, kind: str, instance: Any) -> forms.ModelForm:
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    if kind == "employee":
        hidden = hidden_values(disabled_modules(request), "roles")
        initial = {"department": request.GET.get("department")} if instance is None else None
        form: EmployeeForm | ContactForm = EmployeeForm(
            data, files, instance=instance, initial=initial, hidden_roles=hidden
        )
    else:
        initial = {"company": request.GET.get("company")} if instance is None else None
        form = ContactForm(data, files, instance=instance, initial=initial)
    form.limit_to(request.user)
    return form


@maintainer_required
def person_edit(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    if kind not in ("employee", "contact"):
        raise Http404
    model: Any = Employee if kind == "employee" else Contact
    instance = get_object_or_404(model, pk=pk) if pk is not None else None
    form: Any = _person_form(request, kind, instance)
    notice = _sync_notice(instance)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                person = _save(form)
                _account(request, form, person)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            warn_synced_edit(request, form, notice)
            messages.success(request, _("“%(name)s” is saved.") % {"name": person})
            return redirect("employee_detail" if kind == "employee" else "contact_detail", pk=person.pk)
    context = {
        "form": form,
        "object": instance,
        "kind": kind,
        "sync": notice,
        "access_blocked": access_unavailable_reason(),
        "nav": _nav(""),
    }
    return render(request, "servicedesk/org/person_form.html", context)


def _account(request: HttpRequest, form: Any, person: Any) -> None:
    """Login, rights and "generate a password and send it", in the transaction of the card."""
    login = form.cleaned_data.get("login", "").strip()
    if login or form.cleaned_data.get("send_access"):
        ensure_login(person=person, login=login or suggested_login(person))
    if isinstance(form, EmployeeForm):
        form.save_roles(person)
    if form.cleaned_data.get("send_access"):
        actor: Any = request.user
        give_access(person=person, actor=actor, login=login)
        messages.info(request, _("A link to choose a password is sent to %(email)s.") % {"email": person.email})


def person_tools(request: HttpRequest, person: Any, kind: str) -> dict[str, Any]:
    """What the person cards show to those who maintain the organisation."""
    can = permissions.maintains_org(request.user)
    return {
        "can_maintain": can,
        "can_manage_access": permissions.manages_access(request.user),
        "access_blocked": access_unavailable_reason() if can else "",
        "suggested_login": suggested_login(person),
        "sync": _sync_notice(person),
        "kind": kind,
    }

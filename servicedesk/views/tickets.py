"""Ticket list and ticket registration."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..forms import TicketCreateForm, TicketFilterForm, apply_validation_error
from ..forms.bulk import BulkActionForm
from ..forms.filters import PAGE_SIZES
from ..forms.tickets import parse_requester, requester_value
from ..forms.widgets import active_employees, all_teams, share_choices
from ..labels import disabled_modules, hidden_values
from ..models import Contact, Employee, Service
from ..permissions import UserLike
from ..services.agreements import agreement_choices
from ..services.tickets import NewFile, create_ticket
from .access import operator_required
from .listing import BoundedCountPaginator, filter_tickets, ticket_number

REQUESTER_OPTIONS_LIMIT = 30


FILTER_KEYS = ("q", "status", "type", "service", "responsible", "team", "priority", "due")


def _open_by_number(request: HttpRequest, text: str) -> HttpResponse | None:
    """Enter in the search box with `21` or `#21` opens ticket 21 when this user may see it."""
    number = ticket_number(text)
    if number is None or request.headers.get("X-Search-Submit") != "1":
        return None
    if not permissions.visible_tickets(request.user).filter(pk=number).exists():
        return None
    response = HttpResponse(status=204)
    response["HX-Redirect"] = reverse("ticket_detail", args=[number])
    return response


@operator_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    form = TicketFilterForm(request.GET)
    params = form.cleaned_or_defaults()
    opened = _open_by_number(request, str(params.get("q") or ""))
    if opened is not None:
        return opened
    tickets = filter_tickets(request.user, params)  # type: ignore[arg-type]
    paginator = BoundedCountPaginator(tickets, int(params["per_page"]))  # type: ignore[call-overload]
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "paginator": paginator,
        "sort": params["sort"],
        "page_sizes": PAGE_SIZES,
        "per_page": params["per_page"],
        "scope": params.get("scope") or "",
        "now": timezone.now(),
        "active_filters": sum(1 for k in FILTER_KEYS if params.get(k)) + (1 if params.get("scope") else 0),
        "has_filters": any(params.get(k) for k in FILTER_KEYS),
        "can_bulk": permissions.can_register_tickets(request.user),
    }
    bulk = BulkActionForm() if context["can_bulk"] else None
    context["bulk_form"] = bulk
    share_choices(
        active_employees(), form.fields["responsible"], *([bulk.fields["responsible_employee"]] if bulk else [])
    )
    share_choices(all_teams(), form.fields["team"], *([bulk.fields["responsible_team"]] if bulk else []))
    # htmx swaps only the results when a filter changes; a plain request gets the whole page.
    if request.headers.get("HX-Target") == "ticket-results":
        # Out of band with the results: the active-filter badge, "Reset" and the status count.
        return render(request, "servicedesk/tickets/_results.html", {**context, "oob": True})
    return render(request, "servicedesk/tickets/list.html", context)


def _new_files(uploads: list) -> list[NewFile]:
    return [
        NewFile(file=upload, filename=upload.name, content_type=upload.content_type or "application/octet-stream")
        for upload in uploads
    ]


@operator_required
def ticket_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_register_tickets(request.user):
        raise PermissionDenied(_("Your role may read tickets but not register them."))
    hidden = hidden_values(disabled_modules(request), "ticket_types")
    form = TicketCreateForm(request.POST or None, request.FILES or None, user=request.user, hidden_types=hidden)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = data["requester"]
        try:
            ticket = create_ticket(
                actor=request.user,  # type: ignore[arg-type]
                ticket_type=data["type"],
                service=data["service"],
                subject=data["subject"],
                description=data["description"],
                priority=data["priority"],
                requester_employee=person if isinstance(person, Employee) else None,
                requester_contact=person if isinstance(person, Contact) else None,
                requester_email="" if person else data["requester_email"],
                responsible_employee=data["responsible_employee"],
                responsible_team=data["responsible_team"],
                agreement=data["agreement"],
                files=_new_files(data["files"]),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if not permissions.visible_tickets(request.user).filter(pk=ticket.pk).exists():
                messages.success(
                    request,
                    _(
                        "Ticket #%(number)s is registered. It is outside your responsibility, so its card is not open to you."
                    )
                    % {"number": ticket.number},
                )
                return redirect("ticket_list")
            messages.success(request, _("Ticket #%(number)s is registered.") % {"number": ticket.number})
            return redirect("ticket_detail", pk=ticket.pk)
    context = {"form": form, "requester_groups": _requester_options(request, form)}
    return render(request, "servicedesk/tickets/create.html", context)


Option = tuple[str, str, str]  # value, name, detail


def _requester_options(request: HttpRequest, form: TicketCreateForm) -> list[tuple[str, list[Option]]]:
    """Option groups of the requester select before any search; a chosen person stays selectable."""
    chosen = form.cleaned_data.get("requester") if hasattr(form, "cleaned_data") else None
    groups = search_requesters(request.user, "")
    if chosen is not None:
        group = groups[0 if isinstance(chosen, Employee) else 1][1]
        if _option(chosen) not in group:
            group.insert(0, _option(chosen))
    return groups


def _option(person: Employee | Contact) -> Option:
    detail = person.department.name if isinstance(person, Employee) else person.company.name
    return requester_value(person), person.full_name, " · ".join(x for x in (person.email, detail) if x)


def search_requesters(user: UserLike, text: str) -> list[tuple[str, list[Option]]]:
    """Active employees and contacts this user may see (the people directory's rule, see
    `servicedesk.permissions`) whose name or e-mail contains every word of the text."""
    cond = Q()
    # PostgreSQL text cannot hold NUL: a pasted one is dropped instead of failing the query.
    for word in text.replace("\x00", "").split()[:4]:
        cond &= (
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(patronymic__icontains=word)
            | Q(email__icontains=word)
        )
    employees = permissions.visible_employees(user).filter(cond, is_active=True).select_related("department")
    contacts = permissions.visible_contacts(user).filter(cond, is_active=True).select_related("company")
    half = REQUESTER_OPTIONS_LIMIT // 2
    return [
        (_("Employees"), [_option(p) for p in employees[:half]]),
        (_("Contact persons"), [_option(p) for p in contacts[:half]]),
    ]


@operator_required
def requester_search(request: HttpRequest) -> HttpResponse:
    """The options of the requester select, for the htmx search box on the registration form."""
    if not permissions.can_register_tickets(request.user):
        raise PermissionDenied
    text = request.GET.get("requester_q", "")[:100]
    groups = search_requesters(request.user, text)
    return render(request, "servicedesk/tickets/_requester_options.html", {"groups": groups})


@operator_required
def agreement_options(request: HttpRequest) -> HttpResponse:
    """The agreement select's options for the chosen requester and service (htmx on the form)."""
    if not permissions.can_register_tickets(request.user):
        raise PermissionDenied
    person = parse_requester(request.GET.get("requester", ""))
    service = (
        Service.objects.filter(pk=request.GET.get("service") or 0).first()
        if request.GET.get("service", "").isdigit()
        else None
    )
    choices = agreement_choices(
        employee=person if isinstance(person, Employee) else None,
        contact=person if isinstance(person, Contact) else None,
        service=service,
    )
    return render(request, "servicedesk/tickets/_agreement_options.html", {"choices": choices})

"""Ticket list and ticket registration."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ..forms import TicketCreateForm, TicketFilterForm, apply_validation_error
from ..forms.filters import PAGE_SIZES
from ..forms.tickets import parse_requester, requester_value
from ..models import Contact, Employee, Service
from ..services.agreements import agreement_choices
from ..services.tickets import NewFile, create_ticket
from .access import operator_required
from .listing import BoundedCountPaginator, filter_tickets

REQUESTER_OPTIONS_LIMIT = 30


@operator_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    form = TicketFilterForm(request.GET)
    params = form.cleaned_or_defaults()
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
        "has_filters": any(
            params.get(k) for k in ("q", "status", "type", "service", "responsible", "team", "priority", "due")
        ),
    }
    # htmx swaps only the results when a filter changes; a plain request gets the whole page.
    if request.headers.get("HX-Target") == "ticket-results":
        return render(request, "servicedesk/tickets/_results.html", context)
    return render(request, "servicedesk/tickets/list.html", context)


def _new_files(uploads: list) -> list[NewFile]:
    return [
        NewFile(file=upload, filename=upload.name, content_type=upload.content_type or "application/octet-stream")
        for upload in uploads
    ]


@operator_required
def ticket_create(request: HttpRequest) -> HttpResponse:
    form = TicketCreateForm(request.POST or None, request.FILES or None)
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
            messages.success(request, _("Ticket #%(number)s is registered.") % {"number": ticket.number})
            return redirect("ticket_detail", pk=ticket.pk)
    context = {"form": form, "requester_groups": _requester_options(form)}
    return render(request, "servicedesk/tickets/create.html", context)


Option = tuple[str, str, str]  # value, name, detail


def _requester_options(form: TicketCreateForm) -> list[tuple[str, list[Option]]]:
    """Option groups of the requester select before any search; a chosen person stays selectable."""
    chosen = form.cleaned_data.get("requester") if hasattr(form, "cleaned_data") else None
    groups = search_requesters("")
    if chosen is not None:
        group = groups[0 if isinstance(chosen, Employee) else 1][1]
        if _option(chosen) not in group:
            group.insert(0, _option(chosen))
    return groups


def _option(person: Employee | Contact) -> Option:
    detail = person.department.name if isinstance(person, Employee) else person.company.name
    return requester_value(person), person.full_name, " · ".join(x for x in (person.email, detail) if x)


def search_requesters(text: str) -> list[tuple[str, list[Option]]]:
    """Active employees and contacts whose name or e-mail contains every word of the text."""
    cond = Q()
    # PostgreSQL text cannot hold NUL: a pasted one is dropped instead of failing the query.
    for word in text.replace("\x00", "").split()[:4]:
        cond &= Q(last_name__icontains=word) | Q(first_name__icontains=word) | Q(email__icontains=word)
    employees = Employee.objects.filter(cond, is_active=True).select_related("department")
    contacts = Contact.objects.filter(cond, is_active=True).select_related("company")
    half = REQUESTER_OPTIONS_LIMIT // 2
    return [
        (_("Employees"), [_option(p) for p in employees[:half]]),
        (_("Contact persons"), [_option(p) for p in contacts[:half]]),
    ]


@operator_required
def requester_search(request: HttpRequest) -> HttpResponse:
    """The options of the requester select, for the htmx search box on the registration form."""
    text = request.GET.get("requester_q", "")[:100]
    return render(request, "servicedesk/tickets/_requester_options.html", {"groups": search_requesters(text)})


@operator_required
def agreement_options(request: HttpRequest) -> HttpResponse:
    """The agreement select's options for the chosen requester and service (htmx on the form)."""
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

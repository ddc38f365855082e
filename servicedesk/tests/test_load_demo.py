"""`manage.py load_demo` on PostgreSQL: real tickets with history, two logins, idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from servicedesk import roles
from servicedesk.models import (
    Agreement,
    Comment,
    Company,
    Contact,
    Department,
    Employee,
    Service,
    Team,
    Ticket,
    TicketHistory,
    TicketStatus,
    User,
)

pytestmark = pytest.mark.django_db

COUNTED = (Department, Employee, Company, Contact, Team, Service, Agreement, Ticket, Comment, TicketHistory, User)


def _load(monkeypatch: pytest.MonkeyPatch, password: str | None = None) -> str:
    monkeypatch.setattr(settings, "DEMO_PASSWORD", password or "")
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_second_run_creates_nothing_and_keeps_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    first = _load(monkeypatch)
    counts = _counts()
    system = User.objects.get(username="system")
    printed = first.split("login: system", 1)[1].split("password:", 1)[1].split()[0]
    assert system.check_password(printed)

    second = _load(monkeypatch, password="poison-Password-1")

    assert _counts() == counts
    system.refresh_from_db()
    assert system.check_password(printed)
    assert "poison-Password-1" not in second
    assert "changepassword system" in second


def test_logins_have_their_roles(monkeypatch: pytest.MonkeyPatch) -> None:
    _load(monkeypatch, password="demo-Pass-2024")

    system = User.objects.get(username="system")
    operator = User.objects.get(username="operator")
    assert system.is_staff and system.check_password("demo-Pass-2024")
    assert set(system.groups.values_list("name", flat=True)) == {roles.TECHNOLOGIST}
    assert set(operator.groups.values_list("name", flat=True)) == {roles.SPECIALIST}
    assert operator.check_password("demo-Pass-2024")
    assert operator.employee.phone_extension.isdigit() and len(operator.employee.phone_extension) == 3
    assert User.objects.filter(groups__name=roles.TECHNOLOGIST).count() == 1
    assert User.objects.filter(groups__name=roles.SPECIALIST).count() == 1
    # Colleagues who get tickets assigned have logins but no usable password.
    assert not User.objects.get(username="petrov").has_usable_password()


def test_tickets_have_statuses_history_and_comments(monkeypatch: pytest.MonkeyPatch) -> None:
    _load(monkeypatch)

    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert {
        TicketStatus.NEW,
        TicketStatus.IN_PROGRESS,
        TicketStatus.WAITING,
        TicketStatus.RESOLVED,
        TicketStatus.CLOSED,
    }.issubset(statuses)
    assert Ticket.objects.count() >= 35
    closed = Ticket.objects.filter(status=TicketStatus.CLOSED).first()
    kinds = list(closed.history.values_list("kind", flat=True))
    assert kinds[0] == TicketHistory.Kind.CREATED
    assert kinds.count(TicketHistory.Kind.STATUS) == 3
    assert closed.closed_at is not None and closed.created_at < closed.closed_at
    assert Comment.objects.filter(is_private=True).exists()
    assert Comment.objects.filter(is_private=False).exists()
    assert Ticket.objects.filter(agreement__is_base=False, requester_contact__isnull=False).exists()


def test_org_structure_is_nested(monkeypatch: pytest.MonkeyPatch) -> None:
    _load(monkeypatch)

    support = Department.objects.get(name="Служба поддержки")
    assert support.parent.name == "ИТ-департамент"
    assert Company.objects.filter(parent__isnull=False).count() >= 2
    client_agreement = Agreement.objects.get(is_base=False)
    assert client_agreement.spread_over_org
    assert set(Service.objects.values_list("name_en", flat=True)) >= {"Internet", "Corporate e-mail", "Printers"}
    assert Team.objects.get(name="Сети").members.count() >= 2


def test_client_login_opens_the_cabinet_with_the_companys_tickets(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.test import Client

    _load(monkeypatch, password="demo-Pass-2024")
    contact = Contact.objects.get(user__username="client")
    assert contact.sees_company_tickets and not contact.user.groups.exists()
    browser = Client()
    assert browser.login(username="client", password="demo-Pass-2024")
    landing = browser.get("/", follow=True)
    assert landing.redirect_chain[-1][0].startswith("/cabinet/")
    page = browser.get("/cabinet/?scope=company").content.decode()
    own = Ticket.objects.filter(requester_contact__company=contact.company).first()
    assert own is not None and own.subject in page
    assert browser.get("/tickets/").status_code in (302, 403, 404)  # not the operator interface


def test_demo_calls_are_on_the_operators_calls_page(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks
) -> None:
    from django.test import Client

    from telephony.models import PbxCall

    with django_capture_on_commit_callbacks(execute=True):
        out = _load(monkeypatch, password="demo-Pass-2024")
    assert "login: client" in out
    calls = PbxCall.objects.all()
    assert calls.count() == 6 and calls.filter(kind="voicemail", audio_size__gt=0).count() == 2
    assert calls.filter(processed_at__isnull=False).count() == 6  # the (eager) kick processed them
    browser = Client()
    assert browser.login(username="operator", password="demo-Pass-2024")
    page = browser.get("/calls/").content.decode()
    assert "Белова Алина" in page
    _load(monkeypatch)
    assert PbxCall.objects.count() == 6  # idempotent

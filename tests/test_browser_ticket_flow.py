"""An operator works a ticket in a real browser: log in, open the card, comment, change status, and
find the change in the history tab. Screenshots of the main pages land in /tmp/ui-shots/."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connections
from django.utils import timezone

from servicedesk.models import Priority, Ticket, TicketStatus
from servicedesk.services.tickets import NewFile, add_comment, change_status, create_ticket
from servicedesk.testing.cast import PASSWORD, Cast

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test body
# are still plain synchronous ones.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

playwright_sync = pytest.importorskip("playwright.sync_api")

# The live server thread reads committed rows, so the test runs with real transactions; serialized
# rollback puts the migration-made rows (groups, ticket types, base agreement) back afterwards.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/ui-shots")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# A 1x1 PNG, so the card shows an inline thumbnail.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cf"
    "c0f01f0005000201e2211bc10000000049454e44ae426082"
)


def seed_tickets(cast: Cast) -> Ticket:
    """A small realistic queue; returns the ticket the flow works on."""
    operator = cast.operator.user
    rows = [
        ("Не отправляется почта в Outlook", cast.client, None, Priority.HIGH, cast.email_service),
        ("Принтер на 3 этаже печатает пустые листы", None, cast.second_line, Priority.NORMAL, None),
        ("Доступ к общей папке бухгалтерии", None, cast.operator, Priority.LOW, cast.email_service),
        ("VPN отключается каждые 10 минут", cast.client, None, Priority.CRITICAL, cast.email_service),
    ]
    tickets = []
    for subject, contact, employee, priority, service in rows:
        tickets.append(
            create_ticket(
                actor=operator,
                ticket_type=cast.incident,
                subject=subject,
                service=service,
                priority=priority,
                requester_contact=contact,
                requester_employee=employee,
                description="После обновления клиента появилась ошибка 0x800CCC0F.\nПерезапуск не помог.",
            )
        )
    change_status(ticket=tickets[1], actor=operator, status=TicketStatus.IN_PROGRESS)
    change_status(ticket=tickets[2], actor=operator, status=TicketStatus.RESOLVED, comment="Доступ выдан.")
    Ticket.objects.filter(pk=tickets[3].pk).update(resolution_deadline=timezone.now() - timedelta(hours=3))
    target = tickets[0]
    add_comment(ticket=target, actor=operator, body="Проверим настройки профиля, пришлите снимок экрана.")
    add_comment(
        ticket=target,
        actor=operator,
        body="Похоже на блокировку антивирусом.",
        is_private=True,
        files=[NewFile(ContentFile(PNG), "screenshot.png", "image/png")],
    )
    return target


@pytest.fixture
def browser_page():
    with playwright_sync.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            browser.close()
            # The test body ran in Playwright's greenlet, whose context has its own database
            # connection; close it here, or it outlives the test and blocks dropping the test database.
            connections.close_all()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_operator_comments_and_changes_status(live_server, cast: Cast, browser_page) -> None:
    expect = playwright_sync.expect
    page = browser_page
    ticket = seed_tickets(cast)

    page.goto(f"{live_server.url}/login/")
    shot(page, "login-en")
    page.get_by_label("Login").fill("operator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Tickets")).to_be_visible()
    expect(page.locator("#ticket-results")).to_contain_text(ticket.subject)
    expect(page.locator("tr.is-overdue")).to_have_count(1)
    shot(page, "list-en")

    # Typing in the search box swaps only the results (htmx) and keeps the filter in the address.
    page.locator("#id_q").fill("Outlook")
    expect(page.locator("#ticket-results tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/\?q=Outlook&sort=-number&per_page=25$"))

    page.get_by_role("link", name=ticket.subject).click()
    expect(page).to_have_url(f"{live_server.url}/tickets/{ticket.pk}/")
    expect(page.locator(".pagehead--ticket h1")).to_contain_text(ticket.subject)
    shot(page, "card-en")

    page.locator("#id_body").fill("We have reset the mail profile, please try again.")
    page.get_by_role("button", name="Add comment").click()
    expect(page.locator(".timeline")).to_contain_text("We have reset the mail profile")

    page.locator("#id_status").select_option(TicketStatus.IN_PROGRESS.value)
    page.get_by_role("button", name="Change status").click()
    expect(page.locator(".pagehead .badge")).to_have_text("In progress")

    page.get_by_role("tab", name="History").click()
    history = page.locator("table.history")
    expect(history).to_contain_text("Status changed")
    expect(history.locator("tr", has_text="Status changed").last).to_contain_text("In progress")
    shot(page, "history-en")

    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_PROGRESS
    assert ticket.comments.filter(body__startswith="We have reset").exists()

    page.get_by_role("link", name="New ticket").first.click()
    expect(page.get_by_role("heading", name="New ticket")).to_be_visible()
    page.locator("#id_requester_q").fill("Клиент")
    # The htmx search box narrows the requester select to matching people.
    expect(page.locator("#id_requester option", has_text="Иванова")).to_have_count(0)
    expect(page.locator("#id_requester option", has_text="Клиентов")).to_have_count(1)
    page.locator("#id_requester").select_option(f"contact:{cast.client.pk}")
    shot(page, "create-en")

    # The same pages in Russian, switched through the header.
    page.get_by_role("button", name="RU").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    shot(page, "create-ru")
    page.goto(f"{live_server.url}/")
    shot(page, "list-ru")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    shot(page, "card-ru")
    page.goto(f"{live_server.url}/people/")
    shot(page, "people-ru")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    shot(page, "card-mobile-ru")
    page.goto(f"{live_server.url}/")
    shot(page, "list-mobile-ru")
    page.locator(".usermenu button[type=submit]").click()
    expect(page.locator("#id_username")).to_be_visible()
    shot(page, "login-ru")

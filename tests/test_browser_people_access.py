"""People in and access out, in a real browser: an administrator gives a contact access from the card,
the one-time link arrives at the test SMTP server, the contact opens it in Chromium, chooses a password
and works in the personal cabinet. The technologist's import, LDAP and labels screens and the
organisation pages are visited too. Screenshots (RU and EN) land in /tmp/ui-shots/people/."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from mailconf.outbox import deliver_due
from servicedesk.models import Agreement, ImportJob, LdapConnection
from servicedesk.services.imports import check_import
from servicedesk.services.tickets import NewFile, add_comment, change_status, create_ticket
from servicedesk.testing.cast import PASSWORD, Cast, make_user

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
playwright_sync = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/ui-shots/people")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
LINK = re.compile(r"(http://\S+/access/set-password/\S+/)")
NEW_PASSWORD = "Ромашка-Пароль-7"


@pytest.fixture
def page():
    with playwright_sync.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="ru-RU")
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        try:
            yield tab
        finally:
            browser.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def log_in(page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def switch_language(page, code: str) -> None:
    """What the RU/EN switch does: the language cookie (the technologist interface has no switch)."""
    url = page.url
    host = url.split("://", 1)[1].split("/", 1)[0].split(":", 1)[0]
    page.context.add_cookies([{"name": "django_language", "value": code, "domain": host, "path": "/"}])
    page.goto(url)
    page.wait_for_load_state("networkidle")


def assert_readable(page, selector: str) -> None:
    """The element is visible inside the viewport width and its text is not clipped."""
    box = page.locator(selector).first.bounding_box()
    assert box is not None and box["width"] > 0 and box["x"] >= 0 and box["x"] + box["width"] <= 1440 + 1
    overflow = page.locator(selector).first.evaluate("e => e.scrollWidth > e.clientWidth + 1")
    assert not overflow, selector


def test_access_link_from_card_to_cabinet(live_server, settings, cast: Cast, smtp, page) -> None:
    from mailconf.tests.outbox.conftest import point_at

    settings.SITE_URL = live_server.url
    point_at(smtp.plain)
    make_user("admin1", "administrator")
    company_ticket = create_ticket(
        actor=cast.operator.user,
        ticket_type=cast.incident,
        subject="Не приходит почта из 1С",
        requester_contact=cast.client,
        service=cast.email_service,
        description="С утра не приходят письма с отчётами.",
    )
    add_comment(ticket=company_ticket, actor=cast.operator.user, body="Проверяем очередь на сервере.")
    add_comment(
        ticket=company_ticket,
        actor=cast.operator.user,
        body="Внутренняя заметка: перезапустить коннектор",
        is_private=True,
    )
    add_comment(
        ticket=company_ticket, actor=cast.operator.user, body="Журнал", files=[NewFile(ContentFile(b"log"), "mail.log")]
    )
    change_status(ticket=company_ticket, actor=cast.operator.user, status="resolved", comment="Журнал разобран.")
    create_ticket(actor=None, ticket_type=cast.incident, subject="Чужая заявка", requester_contact=cast.outsider)
    base = live_server.url

    # 1. The administrator gives access from the contact card.
    log_in(page, base, "admin1")
    page.goto(f"{base}/people/contacts/{cast.client.pk}/")
    shot(page, "contact-card-ru")
    assert_readable(page, "#access")
    page.locator("#access button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    expect = playwright_sync.expect
    expect(page.locator(".toast--success")).to_contain_text("kirill@romashka.example")
    switch_language(page, "en")
    shot(page, "contact-card-after-en")
    page.locator(".usermenu button[type=submit]").click()

    # 2. The mail reaches the SMTP server; it carries the login and the link, not a password.
    deliver_due()
    received = smtp.plain.wait_for_messages(1, timeout=10)
    message = received[-1].parsed()
    assert received[-1].rcpt_tos == ["kirill@romashka.example"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "client" in body and ("link" in body.lower() or "ссылк" in body.lower())
    link = LINK.search(body).group(1)

    # 3. The contact opens the link in the browser and chooses a password.
    page.goto(link)
    page.wait_for_load_state("networkidle")
    switch_language(page, "ru")  # the administrator's EN choice above lives in this browser too
    expect(page.locator("#access-login")).to_have_text("client")
    shot(page, "set-password-ru")
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.locator("button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/").endswith("/cabinet")

    # 4. The cabinet: own tickets only, the resolved one can be confirmed; private notes are not shown.
    page.goto(f"{base}/cabinet/?scope=all")
    expect(page.locator("table.cabinet-tickets")).to_contain_text("Не приходит почта из 1С")
    expect(page.locator("table.cabinet-tickets")).not_to_contain_text("Чужая заявка")
    shot(page, "cabinet-home-ru")
    page.get_by_role("link", name="Не приходит почта из 1С").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".timeline")).to_contain_text("Проверяем очередь на сервере.")
    expect(page.locator(".timeline")).not_to_contain_text("Внутренняя заметка")
    shot(page, "cabinet-ticket-ru")
    page.locator("button[name=decision][value=close]").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".pagehead .badge")).to_have_text(re.compile("Закрыта|Closed"))
    page.goto(f"{base}/cabinet/tickets/new/")
    shot(page, "cabinet-create-ru")
    page.locator("#id_choice").select_option(f"{cast.email_service.pk}:{cast.request.pk}")
    page.locator("#id_subject").fill("Создать общий ящик для бухгалтерии")
    page.locator("#id_description").fill("buh@romashka.example, доступ для трёх сотрудников")
    page.locator("button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_contain_text("Создать общий ящик для бухгалтерии")
    switch_language(page, "en")
    shot(page, "cabinet-ticket-en")
    page.goto(f"{base}/cabinet/?scope=all")
    shot(page, "cabinet-home-en")
    page.goto(f"{base}/cabinet/tickets/new/")
    shot(page, "cabinet-create-en")
    # A guessed URL of another company's ticket shows nothing.
    other = create_ticket(
        actor=None, ticket_type=cast.incident, subject="Секрет другой компании", requester_contact=cast.outsider
    )
    response = page.goto(f"{base}/cabinet/tickets/{other.pk}/")
    assert response.status == 404
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/cabinet/?scope=all")
    shot(page, "cabinet-home-mobile-en")


def test_technologist_and_administrator_screens(live_server, cast: Cast, page) -> None:
    base = live_server.url
    make_user("admin1", "administrator")
    LdapConnection.objects.create(
        name="corp-ad", url="ldap://dc2:389", base_dn="DC=corp,DC=example", bind_dn="svc-sync@corp.example"
    )
    job = ImportJob(kind="employees", filename="сотрудники.csv")
    job.file.save(
        "x.csv",
        ContentFile(
            "Фамилия;Отдел;E-mail\nИванова;Служба поддержки;ivanova@example.com\nПетров;Нет такого;bad\n".encode(
                "cp1251"
            )
        ),
        save=False,
    )
    job.save()
    check_import(job_id=job.pk)
    Agreement.base()

    log_in(page, base, "system")
    for code in ("ru", "en"):
        if code == "en":
            switch_language(page, "en")
        page.goto(f"{base}/admin/servicedesk/importjob/add/")
        shot(page, f"import-upload-{code}")
        page.goto(f"{base}/admin/servicedesk/importjob/{job.pk}/change/")
        assert_readable(page, ".sd-errors")
        shot(page, f"import-preview-{code}")
        page.goto(f"{base}/admin/servicedesk/ldapconnection/1/change/")
        shot(page, f"ldap-form-{code}")
        page.goto(f"{base}/admin/servicedesk/moduleswitch/")
        shot(page, f"labels-{code}")
    switch_language(page, "ru")
    page.locator("#content-main form button[type=submit]").first.click()  # turn the first module off
    page.wait_for_load_state("networkidle")
    playwright_sync.expect(page.locator(".sd-badge--off")).to_have_count(1)

    page.context.clear_cookies()
    log_in(page, base, "admin1")
    for code in ("ru", "en"):
        if code == "en":
            switch_language(page, "en")
        page.goto(f"{base}/org/departments/")
        shot(page, f"org-departments-{code}")
        page.goto(f"{base}/org/people/employee/new/?department={cast.support_department.pk}")
        shot(page, f"org-employee-new-{code}")
        page.goto(f"{base}/org/agreements/{cast.base_agreement.pk}/edit/")
        shot(page, f"org-agreement-{code}")
    page.goto(f"{base}/org/people/employee/new/")
    page.locator("#id_last_name").fill("Новикова")
    page.locator("button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    playwright_sync.expect(page.locator(".has-error .error").first).to_be_visible()
    shot(page, "org-employee-errors-en")

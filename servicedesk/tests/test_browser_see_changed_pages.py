"""Every page issue 11 changed, looked at in Russian and in English: the list with its filters and
bulk bar, the card with "take into work" and a live update, the profile, the logout page, the
login lockout page, and the technologist's and administrator's admin pages. Each must fit the
window, keep its controls readable and speak one language; screenshots land in SHOTS for people."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client

from servicedesk import roles
from servicedesk.models import Ticket, User
from servicedesk.services.tickets import add_comment, create_ticket
from servicedesk.testing.browser import assert_in_viewport, assert_no_horizontal_overflow, assert_readable, shot
from servicedesk.testing.cast import PASSWORD, Cast

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Words of these pages that would betray a missing translation in Russian mode.
ENGLISH = re.compile(
    r"\b(Tickets|Log out|Take into work|Export to Excel|Selected|Apply|Profile|Time zone|Save|Reset|filters?"
    r"|Too many failed logins|Back to|Add|Change|Delete|History|Rights|Preferences|Search|Users?)\b"
)


def _queue(cast: Cast) -> Ticket:
    subjects = ("Не отправляется почта в Outlook", "Принтер на 3 этаже печатает пустые листы", "VPN отключается")
    tickets = [
        create_ticket(
            actor=cast.operator.user,
            ticket_type=cast.incident,
            subject=subject,
            requester_contact=cast.client,
            service=cast.email_service,
        )
        for subject in subjects
    ]
    return tickets[0]


def _check(page, language: str, name: str, *, full_page: bool = True) -> None:
    assert_no_horizontal_overflow(page)
    assert_readable(page.locator("h1").first)
    if language == "ru":
        text = page.locator("body").inner_text()
        found = ENGLISH.findall(text)
        assert not found, f"{name}: English in Russian mode: {sorted(set(found))}"
    shot(page, f"{name}-{language}", full_page=full_page)


@pytest.mark.parametrize("language", ["ru", "en"])
def test_operator_pages(cast: Cast, live_server, browser_session, language: str) -> None:
    ticket = _queue(cast)
    page = browser_session(live_server.url, "operator", language=language, width=1366, height=800)

    page.goto("/?status=new&priority=3")
    page.locator("#filters-active .badge--filters").wait_for()
    boxes = page.locator("[data-bulk-item]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    bar = page.locator("[data-bulkbar]")
    bar.wait_for(state="visible")
    assert_in_viewport(bar)
    assert_readable(bar.locator("[data-bulk-count]"))
    _check(page, language, "list-bulk-filters")

    page.goto(f"/tickets/{ticket.pk}/")
    take = page.locator("#take-form button")
    assert_in_viewport(take)
    assert_readable(take)
    page.wait_for_function("document.documentElement.dataset.liveState === 'open'")
    with transaction.atomic():
        add_comment(ticket=ticket, actor=cast.second_line.user, body="Проверил почтовый профиль")
    page.locator("#live-note").wait_for(state="visible")
    # The file picker is ours, in the page's language (the browser's own speaks the browser's).
    picker = page.locator("#composer [data-filepick]")
    assert picker.locator("label").inner_text() == ("Выбрать файлы" if language == "ru" else "Choose files")
    page.locator("#composer input[type=file]").set_input_files(
        [{"name": "скриншот.png", "mimeType": "image/png", "buffer": b"png"}]
    )
    assert picker.locator("[data-filepick-names]").inner_text() == "скриншот.png"
    _check(page, language, "card-take-live")
    take.click()
    page.locator(".toast--success").wait_for()
    assert page.locator("#take-form").count() == 0  # taken: the button is gone

    page.goto("/profile/")
    _check(page, language, "profile")

    page.goto("/logout/")
    _check(page, language, "logout")
    page.locator("form[action='/logout/'] button").first.click()
    page.locator("#id_username").wait_for()


@pytest.mark.parametrize("language", ["ru", "en"])
def test_lockout_page(cast: Cast, live_server, chromium, language: str) -> None:
    context = chromium.new_context(base_url=live_server.url, locale="ru-RU" if language == "ru" else "en-US")
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    for _ in range(6):
        page.goto("/login/")
        page.locator("#id_username").fill("operator")
        page.locator("#id_password").fill("not-the-password")
        page.locator("button.btn--primary[type=submit]").click()
    message = page.locator("#lockout-message")
    message.wait_for()
    assert_readable(message.locator("p").first)
    _check(page, language, "login-locked")


@pytest.mark.parametrize("language", ["ru", "en"])
def test_admin_pages(cast: Cast, live_server, browser_session, language: str) -> None:
    page = browser_session(live_server.url, "system", language=language, width=1366, height=800)
    page.goto("/admin/")
    _check(page, language, "admin-index-technologist")

    administrator = cast.operator.user
    administrator.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
    page = browser_session(live_server.url, "operator", language=language, width=1366, height=800)
    page.goto(f"/admin/servicedesk/user/{cast.second_line.user.pk}/change/")
    assert page.locator("select#id_time_zone").count() == 1 and page.locator("select#id_language").count() == 1
    _check(page, language, "admin-user-administrator")
    page.goto(f"/admin/servicedesk/employee/{cast.second_line.pk}/change/")
    photo = page.locator("[data-filepick]")
    assert photo.locator("label").inner_text() == ("Выбрать файл" if language == "ru" else "Choose a file")
    page.locator("#id_photo").set_input_files([{"name": "петров.jpg", "mimeType": "image/jpeg", "buffer": b"jpg"}])
    assert photo.locator("[data-filepick-names]").inner_text() == "петров.jpg"
    _check(page, language, "admin-employee-administrator")

    User.objects.create_superuser("root", "root@corp.example", PASSWORD)
    Client().post("/admin/login/", {"username": "line2", "password": "неверный"})  # a row for the journal
    page = browser_session(live_server.url, "root", language=language, width=1366, height=800)
    page.goto("/admin/servicedesk/role/")
    _check(page, language, "admin-roles-superuser")
    page.goto(f"/admin/servicedesk/role/{Group.objects.get(name=roles.SECOND_LINE).pk}/change/")
    permissions = " ".join(page.locator("select[name=permissions_old] option").all_inner_texts())
    assert "Изменить" in permissions if language == "ru" else "Change" in permissions
    if language == "ru":
        assert "Can " not in permissions  # Django's stored English names stay out of sight
    assert page.locator("input[name=name]").count() == 0  # a role's code is not for renaming
    _check(page, language, "admin-role-superuser")
    page.goto("/admin/servicedesk/loginfailure/")
    page.locator("#result_list", has_text="line2").wait_for()
    if language == "ru":  # the date drill-down says "4 декабря", not "4 Декабрь"
        assert re.search(r"\b\d{1,2} [а-я]+я\b", page.locator("#changelist").inner_text())
    _check(page, language, "admin-login-failures")

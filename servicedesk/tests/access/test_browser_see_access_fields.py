"""What each role sees on an employee's edit form (issue 11, role follow-ups): the administrator
has the login, rights and "generate a password and send it"; the technologist has none of them,
and the e-mail of an administrator's card is shown but cannot be edited. Russian and English."""

from __future__ import annotations

import pytest
from django.urls import reverse

from servicedesk.testing.browser import assert_in_viewport, assert_readable, shot
from servicedesk.testing.cast import Cast, make_employee, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["ru", "en"])
def test_technologist_and_administrator_forms(cast: Cast, live_server, browser_session, language: str) -> None:
    chief = make_employee("chief", cast.it_department, "administrator", last_name="Главный", email="chief@corp.example")
    make_user("admin1", "administrator")
    url = reverse("org_person_edit", args=["employee", chief.pk])

    page = browser_session(live_server.url, cast.technologist.username, language=language, width=1280, height=900)
    page.goto(url)
    email = page.locator("#id_email")
    assert email.is_visible() and email.is_disabled()
    # It looks read-only too: not the white of an editable field, and still readable.
    assert email.evaluate("el => getComputedStyle(el).backgroundColor") != "rgb(255, 255, 255)"
    assert_readable(email)
    assert page.locator("#id_login").count() == 0 and page.locator("#id_send_access").count() == 0
    assert page.locator("input[name=roles]").count() == 0
    help_text = page.locator("#id_email ~ .help, .field:has(#id_email) .help").first
    assert_readable(help_text)
    shot(page, f"employee-form-technologist-{language}")

    page = browser_session(live_server.url, "admin1", language=language, width=1280, height=900)
    page.goto(url)
    assert page.locator("#id_email").is_enabled()
    login = page.locator("#id_login")
    login.scroll_into_view_if_needed()
    assert_in_viewport(login)
    assert page.locator("input[name=roles]").count() > 0 and page.locator("#id_send_access").count() == 1
    shot(page, f"employee-form-administrator-{language}")

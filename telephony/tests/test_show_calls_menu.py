"""The "Calls" menu item is shown exactly to the people the calls page opens for (technologists,
administrators, employees a call can reach or has reached), and to nobody while telephony is
switched off by its label — then the page and the PBX API answer 404 too."""

from __future__ import annotations

import pytest
from django.test import Client

from servicedesk.models import Employee
from servicedesk.services.labels import switch_module
from servicedesk.testing.cast import PASSWORD
from telephony.models import PbxCall

pytestmark = pytest.mark.django_db

MENU = 'href="/calls/"'


def _login(username: str) -> Client:
    browser = Client()
    assert browser.login(username=username, password=PASSWORD)
    return browser


def _menu_and_page(username: str) -> tuple[bool, int]:
    browser = _login(username)
    menu = MENU in browser.get("/tickets/").content.decode()
    return menu, browser.get("/calls/").status_code


def test_menu_follows_who_may_open_the_page(cast):
    assert _menu_and_page("operator") == (True, 200)  # extension 201
    assert _menu_and_page("system") == (True, 200)  # technologist: every call
    assert _menu_and_page("auditor") == (False, 403)  # no number, no calls: nothing to see


def test_a_mobile_number_or_an_earlier_call_opens_it(cast, phone_settings, post_missed, committed):
    Employee.objects.filter(pk=cast.auditor.pk).update(mobile_phone="+7 912 000-11-22")
    assert _menu_and_page("auditor") == (True, 200)
    with committed():
        assert post_missed(to="+79120001122").status_code == 201
    Employee.objects.filter(pk=cast.auditor.pk).update(mobile_phone="")
    assert PbxCall.objects.get().employees.get() == cast.auditor
    assert _menu_and_page("auditor") == (True, 200)  # the history stays reachable


def test_switched_off_telephony_leaves_no_menu_page_or_api(cast, token, phone_settings, post_missed):
    switch_module(code="telephony", enabled=False, actor=None)
    assert _menu_and_page("operator") == (False, 404)
    assert _menu_and_page("system") == (False, 404)
    assert post_missed(to="201").status_code == 404
    assert Client().get("/api/pbx/v1/openapi.json").status_code == 404
    switch_module(code="telephony", enabled=True, actor=None)
    assert _menu_and_page("operator") == (True, 200)
    assert post_missed(to="201").status_code == 201

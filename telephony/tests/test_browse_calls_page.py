"""The calls page: an employee sees their own missed calls and voicemail, technologists and
administrators see every call; recordings only through the permission check, with byte ranges;
calls are marked handled and back."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from servicedesk import roles
from servicedesk.testing.cast import PASSWORD
from telephony.models import PbxCall
from telephony.testing import wav_bytes

pytestmark = pytest.mark.django_db


def _login(username: str) -> Client:
    browser = Client()
    assert browser.login(username=username, password=PASSWORD)
    return browser


@pytest.fixture
def calls(cast, phone_settings, post_missed, post_voicemail, committed):
    with committed():
        assert post_missed(to="201", call_id="a", caller_id="Anna Client <+7 495 111-11-11>").status_code == 201
    with committed():
        assert (
            post_voicemail(wav_bytes(0.5), to="202", call_id="b", caller_id="Boris <+7 495 222-22-22>").status_code
            == 201
        )
    return {c.call_id: c for c in PbxCall.objects.all()}


def test_employee_sees_only_own_calls(cast, calls):
    page = _login("operator").get("/calls/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Anna Client" in html and "Boris" not in html
    assert 'href="/calls/"' in html  # the menu entry


def test_technologist_and_administrator_see_every_call(cast, calls):
    for username in ("system", "operator"):
        if username == "operator":
            cast.operator.user.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
        html = _login(username).get("/calls/").content.decode()
        assert "Anna Client" in html and "Boris" in html, username


def test_people_without_calls_access_are_refused(cast, calls):
    assert _login("client").get("/calls/").status_code == 403
    anonymous = Client().get("/calls/")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_recording_is_served_only_to_who_may_hear_it(cast, calls):
    voicemail = calls["b"]
    assert _login("operator").get(f"/calls/{voicemail.pk}/audio").status_code == 404
    response = _login("line2").get(f"/calls/{voicemail.pk}/audio")
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/x-wav" and response["Accept-Ranges"] == "bytes"
    assert b"".join(response.streaming_content) == wav_bytes(0.5)
    assert _login("line2").get(f"/calls/{calls['a'].pk}/audio").status_code == 404  # not own, no audio


def test_recording_byte_ranges_let_the_player_seek(cast, calls):
    voicemail = calls["b"]
    body = wav_bytes(0.5)
    browser = _login("system")
    part = browser.get(f"/calls/{voicemail.pk}/audio", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == body[100:200]
    assert part["Content-Range"] == f"bytes 100-199/{len(body)}"
    tail = browser.get(f"/calls/{voicemail.pk}/audio", headers={"Range": "bytes=-10"})
    assert tail.content == body[-10:]
    assert browser.get(f"/calls/{voicemail.pk}/audio", headers={"Range": "bytes=999999-"}).status_code == 416


def test_mark_handled_and_back(cast, calls):
    missed = calls["a"]
    browser = _login("operator")
    response = browser.post(f"/calls/{missed.pk}/handled", {"handled": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Handled by" in response.content.decode()
    missed.refresh_from_db()
    assert missed.handled_by == cast.operator.user and missed.handled_at is not None
    assert "Anna Client" not in browser.get("/calls/").content.decode()  # default: not handled only
    assert "Anna Client" in browser.get("/calls/?state=handled").content.decode()
    browser.post(f"/calls/{missed.pk}/handled", {"handled": "0"})
    missed.refresh_from_db()
    assert missed.handled_at is None


def test_someone_elses_call_cannot_be_marked(cast, calls):
    assert _login("operator").post(f"/calls/{calls['b'].pk}/handled", {"handled": "1"}).status_code == 404
    assert _login("operator").get(f"/calls/{calls['a'].pk}/handled").status_code == 405


def test_filters_by_kind_search_and_employee(cast, calls):
    browser = _login("system")
    assert "Anna Client" not in browser.get("/calls/?kind=voicemail").content.decode()
    assert "Boris" in browser.get("/calls/?q=222-22").content.decode()
    assert "Boris" not in browser.get(f"/calls/?employee={cast.operator.pk}").content.decode()


def test_page_speaks_russian(cast, calls):
    browser = _login("system")
    browser.cookies["django_language"] = "ru"
    html = browser.get("/calls/?state=all").content.decode()
    for text in ("Вызовы", "Голосовая почта", "Пропущенный вызов", "Отметить обработанным", "Кто звонил"):
        assert text in html, text

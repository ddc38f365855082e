"""The notification centre's JSON endpoints answer bad input with a 4xx and a JSON detail, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import Notification
from servicedesk.testing.cast import PASSWORD, Cast

pytestmark = pytest.mark.django_db

JSON = {"Accept": "application/json"}
HUGE = 2**70


def login(client: Client, username: str = "operator") -> Client:
    assert client.login(username=username, password=PASSWORD)
    return client


def note(user: object, title: str = "note") -> Notification:
    return Notification.objects.create(user=user, event="comment.public", title=title, body="b", url="/x/")


@pytest.mark.parametrize(
    "url",
    [
        f"/notifications/{HUGE}/read",
        "/notifications/999999999/read",
        "/notifications/0/read",
        "/notifications/9223372036854775808/read",
    ],
)
def test_mark_read_of_unknown_id_is_a_json_404(client: Client, cast: Cast, url: str) -> None:
    response = login(client).post(url, headers=JSON)
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize("url", ["/notifications/abc/read", "/notifications/-1/read", "/notifications/1.5/read"])
def test_non_numeric_id_is_404(client: Client, cast: Cast, url: str) -> None:
    assert login(client).post(url, headers=JSON).status_code == 404


def test_mark_read_on_another_users_notification_is_404_and_untouched(client: Client, cast: Cast) -> None:
    other = note(cast.second_line.user)
    response = login(client).post(reverse("notifications:read", args=[other.pk]), headers=JSON)
    assert response.status_code == 404
    assert response.json()["detail"]
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_read_on_another_users_notification_without_json_is_the_404_page(client: Client, cast: Cast) -> None:
    other = note(cast.second_line.user)
    response = login(client).post(reverse("notifications:read", args=[other.pk]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_mark_read_of_own_notification_still_works(client: Client, cast: Cast) -> None:
    mine = note(cast.operator.user)
    response = login(client).post(reverse("notifications:read", args=[mine.pk]), headers=JSON)
    assert response.status_code == 200 and response.json() == {"unread": 0}


@pytest.mark.parametrize("url", [f"/notifications/{HUGE}/open", "/notifications/999999999/open"])
def test_open_unknown_notification_is_404(client: Client, cast: Cast, url: str) -> None:
    assert login(client).get(url).status_code == 404


def test_open_another_users_notification_is_404(client: Client, cast: Cast) -> None:
    other = note(cast.second_line.user)
    assert login(client).get(reverse("notifications:open", args=[other.pk])).status_code == 404


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("feed", "post"),
        ("feed", "delete"),
        ("read_all", "get"),
        ("read_all", "put"),
        ("preferences", "get"),
    ],
)
def test_wrong_method_is_405_with_json_detail(client: Client, cast: Cast, name: str, method: str) -> None:
    response = getattr(login(client), method)(reverse(f"notifications:{name}"), headers=JSON)
    assert response.status_code == 405
    assert response.json()["detail"]
    assert response["Allow"]


@pytest.mark.parametrize("method", ["get", "put"])
def test_wrong_method_on_mark_read_is_405(client: Client, cast: Cast, method: str) -> None:
    mine = note(cast.operator.user)
    response = getattr(login(client), method)(reverse("notifications:read", args=[mine.pk]), headers=JSON)
    assert response.status_code == 405
    mine.refresh_from_db()
    assert mine.read_at is None


def test_wrong_method_on_the_centre_page_is_405(client: Client, cast: Cast) -> None:
    assert login(client).post(reverse("notifications:centre")).status_code == 405


@pytest.mark.parametrize(
    ("name", "method", "args"),
    [
        ("feed", "get", []),
        ("read_all", "post", []),
        ("read", "post", [1]),
    ],
)
def test_anonymous_api_call_gets_a_json_refusal(
    client: Client, cast: Cast, name: str, method: str, args: list[int]
) -> None:
    response = getattr(client, method)(reverse(f"notifications:{name}", args=args), headers=JSON)
    assert response.status_code in (401, 403)
    assert response.json()["detail"]


def test_anonymous_feed_is_json_even_without_accept_header(client: Client, cast: Cast) -> None:
    response = client.get(reverse("notifications:feed"))
    assert response.status_code in (401, 403)
    assert response.json()["detail"]


def test_anonymous_page_visit_goes_to_login(client: Client, cast: Cast) -> None:
    response = client.get(reverse("notifications:centre"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_anonymous_stream_is_refused_with_a_detail(client: Client, cast: Cast) -> None:
    response = client.get(reverse("notifications:stream"))
    assert response.status_code in (401, 403)
    assert response.json()["detail"]


@pytest.mark.parametrize("after", ["abc", "-5", str(HUGE), "1e3", "%00", ""])
def test_stream_with_odd_last_event_id(client: Client, cast: Cast, after: str) -> None:
    login(client)
    assert client.get(reverse("notifications:stream") + "?after=" + after).status_code == 200
    assert client.get(reverse("notifications:stream"), headers={"Last-Event-ID": after}).status_code == 200


@pytest.mark.parametrize("page", ["abc", "0", "-1", str(HUGE), "%00"])
def test_centre_with_odd_page(client: Client, cast: Cast, page: str) -> None:
    note(cast.operator.user)
    assert login(client).get(reverse("notifications:centre") + "?page=" + page).status_code == 200


@pytest.mark.parametrize("values", [["bogus"], ["a:b:c", "\x00"], ["x" * 10_000], []])
def test_preferences_ignore_unknown_boxes(client: Client, cast: Cast, values: list[str]) -> None:
    response = login(client).post(reverse("notifications:preferences"), {"on": values})
    assert response.status_code == 302

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.models import Notification
from servicedesk.testing.cast import PASSWORD


def _rows(user, count):
    return [
        Notification.objects.create(user=user, event="comment.public", title=f"note {i}", body="b", url="/x/")
        for i in range(count)
    ]


@pytest.mark.django_db
def test_centre_lists_own_notifications_and_bell_shows_unread(client, cast):
    mine = _rows(cast.operator.user, 2)
    _rows(cast.second_line.user, 1)
    client.login(username="operator", password=PASSWORD)
    html = client.get(reverse("notifications:centre")).content.decode()
    assert "note 0" in html and "note 1" in html
    assert html.count('class="ncentre__item is-unread"') == 2
    assert "data-unread-count" in html and f'data-last-id="{mine[-1].pk}"' in html


@pytest.mark.django_db
def test_mark_read_and_mark_all_read(client, cast):
    first, second, third = _rows(cast.operator.user, 3)
    other = _rows(cast.second_line.user, 1)[0]
    client.login(username="operator", password=PASSWORD)
    answer = client.post(reverse("notifications:read", args=[first.pk]), headers={"Accept": "application/json"})
    assert answer.json() == {"unread": 2}
    client.post(reverse("notifications:read", args=[other.pk]))
    other.refresh_from_db()
    assert other.read_at is None  # somebody else's row is untouched
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(user=cast.operator.user, read_at__isnull=True).exists()
    assert client.get(reverse("notifications:feed")).json()["unread"] == 0


@pytest.mark.django_db
def test_open_marks_read_and_redirects_to_object_only_on_this_site(client, cast):
    local = Notification.objects.create(user=cast.operator.user, event="x", title="t", url="/tickets/5/")
    foreign = Notification.objects.create(user=cast.operator.user, event="x", title="t", url="https://evil.example/")
    client.login(username="operator", password=PASSWORD)
    assert client.get(reverse("notifications:open", args=[local.pk])).url == "/tickets/5/"
    assert client.get(reverse("notifications:open", args=[foreign.pk])).url == reverse("notifications:centre")
    local.refresh_from_db()
    assert local.read_at is not None


@pytest.mark.django_db
def test_stream_requires_login_and_replays_after_last_event_id_under_wsgi(client, cast):
    rows = _rows(cast.operator.user, 3)
    assert client.get(reverse("notifications:stream")).status_code == 403
    client.login(username="operator", password=PASSWORD)
    body = client.get(reverse("notifications:stream"), headers={"Last-Event-ID": str(rows[0].pk)}).content.decode()
    assert f"id: {rows[0].pk}\n" not in body
    assert f"id: {rows[1].pk}\n" in body and f"id: {rows[2].pk}\n" in body


@pytest.mark.django_db
def test_a_link_in_the_text_is_a_link_and_the_rest_stays_escaped(client, cast):
    # Escalation texts end with "Ticket: <url>" (shared with their e-mail twins): clickable here.
    Notification.objects.create(
        user=cast.operator.user,
        event="x",
        title="t",
        body="<b>late</b>\nTicket: http://desk.example/tickets/7/",
        url="/tickets/7/",
    )
    client.login(username="operator", password=PASSWORD)
    html = client.get(reverse("notifications:centre")).content.decode()
    assert '<a href="http://desk.example/tickets/7/" rel="nofollow">http://desk.example/tickets/7/</a>' in html
    assert "&lt;b&gt;late&lt;/b&gt;" in html

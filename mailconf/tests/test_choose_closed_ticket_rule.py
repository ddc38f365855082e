"""The technologist chooses, per mailbox, what a reply to a closed ticket becomes: the card shows
the choice in the processing rule, in Russian, and saves it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mailconf.models import ClosedTicketRule, IncomingConnection

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client: Client, django_user_model) -> Client:
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.test", "pw"))
    return client


def test_the_card_shows_the_rule_with_its_choices_in_russian(root: Client) -> None:
    conn = IncomingConnection.objects.create(name="Поддержка", protocol="imap", host="imap.example.test", login="a@b.c")
    assert conn.closed_tickets == ClosedTicketRule.NEW_TICKET

    page = root.get(
        reverse("admin:mailconf_incomingconnection_change", args=[conn.pk]), HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()

    assert 'name="closed_tickets"' in page
    assert "Ответы на закрытые заявки" in page
    assert '<option value="new_ticket" selected>зарегистрировать новую заявку, связанную с закрытой</option>' in page
    assert "добавить комментарий, не возобновляя заявку" in page and "отклонить и ответить письмом" in page
    assert "Ответ на закрытую или отменённую заявку никогда её не меняет." in page


def test_the_rule_is_saved_from_the_card(root: Client) -> None:
    conn = IncomingConnection.objects.create(name="Поддержка", protocol="imap", host="imap.example.test", login="a@b.c")
    conn.password = "pw"
    conn.save()
    url = reverse("admin:mailconf_incomingconnection_change", args=[conn.pk])
    form = root.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update({k: getattr(v, "pk", v) for k, v in data.items()})
    data["closed_tickets"] = ClosedTicketRule.REJECT

    response = root.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    conn.refresh_from_db()
    assert conn.closed_tickets == ClosedTicketRule.REJECT

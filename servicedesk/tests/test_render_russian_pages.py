"""Pages follow the browser's language: Russian words appear and the English sources do not."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from servicedesk.models import Priority
from servicedesk.services.tickets import create_ticket
from servicedesk.testing.cast import PASSWORD, Cast

pytestmark = pytest.mark.django_db

RU = {"HTTP_ACCEPT_LANGUAGE": "ru"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_login_page_in_russian(client: Client) -> None:
    html = client.get(reverse("login"), **RU).content.decode()
    assert "Войти" in html and "Пароль" in html
    assert ">Log in<" not in html and "Password" not in html
    # The switch names each language in itself, so that a reader of the other one can find it.
    assert ">English</button>" in html and ">Русский</button>" in html and "Английский" not in html


def test_ticket_list_and_card_in_russian(client: Client, cast: Cast) -> None:
    ticket = create_ticket(
        actor=None,
        ticket_type=cast.incident,
        subject="Mailbox is full",
        service=cast.email_service,
        requester_contact=cast.client,
        priority=Priority.HIGH,
    )
    assert client.login(username="operator", password=PASSWORD)

    listing = client.get(reverse("ticket_list"), **RU).content.decode()
    for word in ("Заявки", "Новая заявка", "Быстрый фильтр", "Ответственный", "Высокий", "1 заявка"):
        assert word in listing, word
    for source in ("Quick filter", "Per page", "New ticket", "Responsible", "1 ticket"):
        assert source not in listing, source

    card = client.get(reverse("ticket_detail", args=[ticket.pk]), **RU).content.decode()
    for word in ("Изменить статус", "Наблюдатели", "Добавить комментарий", "Заявитель", "Новая"):
        assert word in card, word
    for source in ("Change status", "Watchers", "Add comment", "Requester"):
        assert source not in card, source
    # The timeline counts what it shows: the registration entry, though no comment yet.
    assert re.search(r'id="tab-timeline".*?<span class="count">1</span>', card, re.S)


def test_english_browser_gets_english(client: Client, cast: Cast) -> None:
    assert client.login(username="operator", password=PASSWORD)
    listing = client.get(reverse("ticket_list"), **EN).content.decode()
    assert "Quick filter" in listing and "Быстрый фильтр" not in listing

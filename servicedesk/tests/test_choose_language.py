from __future__ import annotations

from django.test import Client

from servicedesk.testing.cast import Cast


def test_account_language_applies_without_switch_cookie(cast: Cast, client: Client) -> None:
    user = cast.operator.user
    user.language = "ru"
    user.save()
    client.force_login(user)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Заявки" in page


def test_switch_cookie_wins_over_account_language(cast: Cast, client: Client) -> None:
    user = cast.operator.user
    user.language = "ru"
    user.save()
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Tickets" in page and "Заявки" not in page

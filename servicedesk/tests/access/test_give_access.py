""" "Generate a password and send it": only with outgoing mail on; a one-time link (not a password) with
the login goes through the outbox; the link works once; "send a new password" later."""

from __future__ import annotations

import re

import pytest
from django.core import mail as django_mail  # noqa: F401  (the outbox, not Django's locmem, receives mail)
from django.test import Client
from django.urls import reverse

from mailconf.models import OutboxMessage, OutgoingConnection
from servicedesk.models import Contact, User
from servicedesk.services.access import give_access
from servicedesk.testing.cast import PASSWORD, Cast, make_user

pytestmark = pytest.mark.django_db
LINK = re.compile(r"http://\S+/access/set-password/[^/\s]+/[^/\s]+/")


@pytest.fixture
def mail_on(db: None) -> OutgoingConnection:
    conn = OutgoingConnection.load()
    conn.enabled = True
    conn.from_address, conn.reply_to, conn.sender_name = "desk@example.test", "help@example.test", "Desk"
    conn.host, conn.port, conn.encryption = "127.0.0.1", 2525, "none"
    conn.save()
    return conn


def administrator(client: Client, cast: Cast) -> Client:
    make_user("admin1", "administrator")
    assert client.login(username="admin1", password=PASSWORD)
    return client


def test_refused_while_outgoing_mail_is_off(client: Client, cast: Cast) -> None:
    OutgoingConnection.objects.update_or_create(pk=1, defaults={"enabled": False})
    contact = Contact.objects.create(company=cast.client_company, last_name="Новикова", email="new@romashka.example")
    administrator(client, cast)
    card = client.get(reverse("contact_detail", args=[contact.pk])).content.decode()
    assert "Outgoing mail is not configured" in card and "disabled" in card
    response = client.post(reverse("person_send_access", args=["contact", contact.pk]), follow=True)
    assert "Outgoing mail is not configured" in response.content.decode()
    contact.refresh_from_db()
    assert contact.user is None and not OutboxMessage.objects.exists()


def test_mail_has_login_and_one_time_link_not_a_password(client: Client, cast: Cast, mail_on) -> None:
    contact = Contact.objects.create(
        company=cast.client_company,
        last_name="Новикова",
        first_name="Нина",
        email="nina@romashka.example",
        language="ru",
    )
    administrator(client, cast)
    response = client.post(reverse("person_send_access", args=["contact", contact.pk]), {"login": "nina"}, follow=True)
    assert "Access is given" in response.content.decode()
    contact.refresh_from_db()
    assert contact.user.username == "nina" and not contact.user.has_usable_password()
    message = OutboxMessage.objects.get()
    assert list(message.recipients) == ["nina@romashka.example"] and message.kind == "system"
    assert message.subject == "Ваш доступ к службе поддержки"  # in the contact's language
    assert "Ваш логин: nina" in message.text and "Почему ссылка, а не пароль" in message.text
    link = LINK.search(message.text).group(0)
    path = link.split("127.0.0.1:8000", 1)[-1]
    page = client.get(path, follow=True)
    assert "nina" in page.content.decode()
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else path
    done = client.post(form_url, {"new_password1": "Ромашка-2026!", "new_password2": "Ромашка-2026!"})
    assert done.status_code == 302
    assert User.objects.get(username="nina").check_password("Ромашка-2026!")
    client.logout()
    reused = client.get(path, follow=True).content.decode()
    assert "no longer valid" in reused


def test_send_a_new_password_later(cast: Cast, mail_on) -> None:
    user = give_access(person=cast.client, actor=None, login="")
    assert user.username == "client"  # the existing login is kept
    user.set_password("old-Pass-1")
    user.save()
    give_access(person=cast.client, actor=None)
    message = OutboxMessage.objects.latest("pk")
    assert "A new password for the service desk" in message.subject or "Новый пароль" in message.subject
    assert User.objects.get(pk=user.pk).check_password("old-Pass-1")  # until the new one is chosen


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": ""}, "no e-mail address"),
        ({"is_active": False}, "card is inactive"),
    ],
)
def test_refusals_say_why(cast: Cast, mail_on, change: dict, message: str) -> None:
    contact = Contact.objects.create(company=cast.client_company, last_name="Отказов", email="o@romashka.example")
    for name, value in change.items():
        setattr(contact, name, value)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match=message):
        give_access(person=contact, actor=None)


def test_a_taken_login_is_refused(cast: Cast, mail_on) -> None:
    from django.core.exceptions import ValidationError

    contact = Contact.objects.create(company=cast.client_company, last_name="Дубль", email="d@romashka.example")
    with pytest.raises(ValidationError, match="taken"):
        give_access(person=contact, actor=None, login="operator")


def test_operators_do_not_give_access(client: Client, cast: Cast, mail_on) -> None:
    assert client.login(username="operator", password=PASSWORD)
    assert client.post(reverse("person_send_access", args=["contact", cast.client.pk])).status_code == 403
    card = client.get(reverse("contact_detail", args=[cast.client.pk])).content.decode()
    assert "Generate a password and send it" not in card

""" "Check" checks what is typed on the card, not what is stored, and says exactly what it verified
(issue 11, points 15 and 16): connected where, TLS or not, logged in or not — never "the server
accepted the login" when no login was configured. Nothing is saved or recorded by a check."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from mailconf.models import IncomingConnection, OutboxMessage, OutgoingConnection
from servicedesk.testing.banner import BannerServer

from .test_admin_outgoing import form_data

pytestmark = pytest.mark.django_db
CARD = "admin:mailconf_outgoingconnection_change"


@pytest.fixture
def root(client: Client, django_user_model) -> Client:
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.test", "pw"))
    return client


def _messages(page: str) -> list[str]:
    return [re.sub(r"\s+", " ", m).strip() for m in re.findall(r'<li class="(?:success|error)">(.*?)</li>', page, re.S)]


def test_checks_the_typed_server_and_login_without_saving(root: Client, outgoing, smtp) -> None:
    conn = outgoing(smtp.plain)
    typed = form_data(conn, port=str(smtp.auth.port), auth="on", login="mailer", password="mailer-Pass-1")
    page = root.post(reverse(CARD, args=[conn.pk]), {**typed, "_check": "1"}).content.decode()
    assert _messages(page) == [f"Connected to 127.0.0.1:{smtp.auth.port}. Without encryption. Logged in as mailer."]
    assert "type it again to save" in page  # the password is write-only, so the card says so
    # The card shows the typed values again (the password stays write-only).
    assert f'value="{smtp.auth.port}"' in page and "mailer-Pass-1" not in page
    stored = OutgoingConnection.load()
    assert stored.port == smtp.plain.port and not stored.auth and stored.check_status == ""
    assert not OutboxMessage.objects.exists()  # saving would have mailed the administrator a test


def test_no_authentication_is_said_so(root: Client, outgoing, smtp) -> None:
    conn = outgoing(smtp.plain)
    page = root.post(reverse(CARD, args=[conn.pk]), {**form_data(conn), "_check": "1"}).content.decode()
    (message,) = _messages(page)
    assert message.endswith("No authentication is configured, so no login was tried.")
    assert "accepted the login" not in page and "Logged in" not in message


def test_wrong_typed_password_fails_though_the_stored_one_works(root: Client, outgoing, smtp) -> None:
    conn = outgoing(smtp.auth)
    page = root.post(reverse(CARD, args=[conn.pk]), {**form_data(conn, password="typo"), "_check": "1"})
    assert _messages(page.content.decode())[0].startswith("Authentication failed")
    assert OutgoingConnection.load().password == "mailer-Pass-1"
    # Left empty, the stored password is the one checked.
    page = root.post(reverse(CARD, args=[conn.pk]), {**form_data(conn), "_check": "1"})
    assert _messages(page.content.decode())[0].endswith("Logged in as mailer.")


def test_invalid_values_are_not_checked(root: Client, outgoing, smtp) -> None:
    conn = outgoing(smtp.plain)
    page = root.post(reverse(CARD, args=[conn.pk]), {**form_data(conn, port="25"), "_check": "1"}).content.decode()
    assert "Nothing was checked: correct the errors below first." in page
    assert "MAIL_ALLOW_PORT_25" in page


def test_russian(root: Client, outgoing, smtp) -> None:
    conn = outgoing(smtp.plain)
    page = root.post(
        reverse(CARD, args=[conn.pk]), {**form_data(conn), "_check": "1"}, HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()
    (message,) = _messages(page)
    assert message == (
        f"Подключение к 127.0.0.1:{smtp.plain.port} установлено. Без шифрования. "
        "Аутентификация не настроена, поэтому вход не проверялся."
    )


def _incoming_data(conn: IncomingConnection, **changes: str) -> dict[str, str]:
    data = {
        "name": conn.name,
        "protocol": conn.protocol,
        "host": conn.host,
        "port": str(conn.port or ""),
        "encryption": conn.encryption,
        "login": conn.login,
        "password": "",
        "interval": "60",
        "folders": "INBOX",
        "unregistered": "address",
        "auto_replies": "comment",
        "closed_tickets": "new_ticket",
        "enabled": "on",
    }
    data.update(changes)
    return data


def test_incoming_card_has_check_and_turn_off(root: Client) -> None:
    conn = IncomingConnection(name="Поддержка", protocol="imap", host="127.0.0.1", port=1, encryption="none")
    conn.login, conn.password = "support@example.test", "pw"
    conn.save()
    url = reverse("admin:mailconf_incomingconnection_change", args=[conn.pk])
    page = root.get(url).content.decode()
    assert 'name="_check"' in page and 'form="incomingconnection_form"' in page and "Turn off" in page
    root.post(reverse("admin:mailconf_incoming_toggle", args=[conn.pk]))
    conn.refresh_from_db()
    assert not conn.enabled and "Turn on" in root.get(url).content.decode()
    with BannerServer(b"* BYE not today\r\n") as server:
        typed = _incoming_data(conn, port=str(server.port))
        page = root.post(url, {**typed, "_check": "1"}).content.decode()
    assert _messages(page) == ["The server on that port does not speak IMAP4."]
    conn.refresh_from_db()
    assert conn.port == 1 and conn.check_status == ""


def test_check_on_the_add_page_saves_nothing(root: Client) -> None:
    with BannerServer(b"+OK fake\r\n") as server:
        data = _incoming_data(
            IncomingConnection(name="Новый", protocol="pop3", host="127.0.0.1", port=server.port, login="a@b.c"),
            password="pw",
            folders="",
        )
        page = root.post(reverse("admin:mailconf_incomingconnection_add"), {**data, "_check": "1"}).content.decode()
    assert len(_messages(page)) == 1 and not IncomingConnection.objects.exists()


def test_unsaved_oauth_check_caches_no_token_and_raises_no_alert(root: Client, azure_ad, graph) -> None:
    from .conftest import oauth_connection

    conn = oauth_connection("graph")
    conn.admin_email = "admin@example.test"
    conn.save()
    page = root.post(
        reverse(CARD, args=[conn.pk]), {**form_data(conn, client_secret="typed-wrong-secret"), "_check": "1"}
    ).content.decode()
    assert _messages(page)[0].startswith("No OAuth2 access token could be obtained")
    stored = OutgoingConnection.load()
    assert stored.alerts == {} and stored.oauth_token_encrypted == "" and stored.check_status == ""
    page = root.post(reverse(CARD, args=[conn.pk]), {**form_data(conn), "_check": "1"}).content.decode()
    assert _messages(page)[0].endswith(f"Authenticated with an OAuth2 token as {conn.from_address}.")
    assert OutgoingConnection.load().oauth_token_encrypted == ""  # the typed values' token is not kept

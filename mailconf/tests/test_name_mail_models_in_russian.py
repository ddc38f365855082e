"""The mail pages of the technologist interface in Russian: every mail model has its noun cases
(«Выберите исходящую почту для изменения», not «Выберите исходящая почта …»), and the outbox's
columns are labelled («Кому», not "TO DISPLAY")."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from mailconf.models import IncomingConnection, OutboxMessage
from mailconf.outbox import enqueue_mail
from servicedesk.admin_grammar import noun_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client: Client, django_user_model) -> Client:
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.test", "pw"))
    return client


def test_every_mail_model_in_the_admin_has_its_noun() -> None:
    registered = [m for m in apps.get_app_config("mailconf").get_models() if m in admin.site._registry]
    assert len(registered) >= 4
    assert [m.__name__ for m in registered if noun_for(m._meta) is None] == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("admin:mailconf_incomingconnection_changelist", "Выберите подключение входящей почты для изменения"),
        ("admin:mailconf_outboxmessage_changelist", "Выберите письмо в очереди отправки для изменения"),
        ("admin:mailconf_processedmessage_changelist", "0 записей журнала почты"),
        ("admin:mailconf_incomingconnection_add", "Добавить подключение входящей почты"),
    ],
)
def test_russian_sentences_use_the_right_case(root: Client, url: str, expected: str) -> None:
    page = root.get(reverse(url), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert expected in page


def test_changed_message_agrees_with_the_noun(root: Client) -> None:
    conn = IncomingConnection.objects.create(name="Поддержка", protocol="imap", host="imap.example.test", login="a@b.c")
    page = root.post(
        reverse("admin:mailconf_incomingconnection_delete", args=[conn.pk]),
        {"post": "yes"},
        HTTP_ACCEPT_LANGUAGE="ru",
        follow=True,
    ).content.decode()
    assert "Подключение входящей почты «Поддержка» успешно удалено." in page


@pytest.mark.parametrize(("language", "header"), [("ru", "Кому"), ("en", "Addressed to")])
def test_outbox_recipient_column_has_a_label(root: Client, language: str, header: str) -> None:
    enqueue_mail(to=["someone@example.test"], subject="Привет", text="Текст", kind="system")
    page = root.get(reverse("admin:mailconf_outboxmessage_changelist"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert OutboxMessage.objects.count() == 1 and "someone@example.test" in page
    assert f">{header}<" in page
    assert "To display" not in page and "To Display" not in page

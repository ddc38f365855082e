"""The admin card and outbox: write-only secrets, Check / Send test / on-off buttons, outbox actions."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from mailconf.connections import check_connection
from mailconf.models import OutboxMessage, OutgoingConnection
from mailconf.outbox import deliver_due, enqueue_mail

pytestmark = pytest.mark.django_db
SECRET = "Card-Secret-Value-42"
CARD = "admin:mailconf_outgoingconnection_change"


@pytest.fixture
def admin(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.test", "pw")
    client.force_login(user)
    return client


def form_data(conn: OutgoingConnection, **changes) -> dict:
    fields = (
        "protocol",
        "host",
        "port",
        "encryption",
        "login",
        "client_id",
        "tenant_id",
        "ews_url",
        "from_address",
        "reply_to",
        "sender_name",
        "signature",
        "admin_email",
    )
    data = {name: getattr(conn, name) or "" for name in fields}
    data.update(
        {
            name: "on"
            for name in (
                "verify_certificate",
                "auth",
                "oauth2",
                "enabled",
                "notify_unregistered",
                "notifications_enabled",
            )
            if getattr(conn, name)
        }
    )
    data.update(password="", client_secret="")
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


def test_card_never_renders_the_secret(admin, outgoing, smtp) -> None:
    conn = outgoing(smtp.auth)
    conn.password, conn.client_secret = SECRET, SECRET
    conn.save()
    page = admin.get(reverse(CARD, args=[conn.pk])).content.decode()
    assert SECRET not in page and conn.password_encrypted not in page
    assert 'type="password" name="password"' in page and "Check" in page and "Turn off" in page
    listing = admin.get(reverse("admin:mailconf_outgoingconnection_changelist")).content.decode()
    assert "never checked" in listing


def test_empty_password_keeps_the_stored_one_and_saving_mails_the_admin(admin, outgoing, smtp) -> None:
    conn = outgoing(smtp.auth, admin_email="admin@example.test")
    stored = conn.password
    response = admin.post(reverse(CARD, args=[conn.pk]), form_data(conn, sender_name="New name"))
    assert response.status_code == 302, response.content.decode()[:2000]
    conn = OutgoingConnection.load()
    assert conn.password == stored and conn.sender_name == "New name"
    assert OutboxMessage.objects.filter(kind="test", subject="Mail settings changed: test message").count() == 1
    admin.post(reverse(CARD, args=[conn.pk]), form_data(conn, password="Brand-New-Pw"))
    assert OutgoingConnection.load().password == "Brand-New-Pw"


def test_port_25_refused_on_the_form_with_the_reason(admin, outgoing, smtp) -> None:
    conn = outgoing()
    page = admin.post(reverse(CARD, args=[conn.pk]), form_data(conn, port="25")).content.decode()
    assert "Port 25 cannot be used" in page
    assert OutgoingConnection.load().port == smtp.plain.port


def test_check_send_test_and_toggle_buttons(admin, outgoing, smtp) -> None:
    conn = outgoing()
    response = admin.post(reverse(CARD, args=[conn.pk]), {**form_data(conn), "_check": "1"})
    assert response.status_code == 200 and f"Connected to 127.0.0.1:{smtp.plain.port}" in response.content.decode()
    assert smtp.plain.messages == []
    response = admin.post(
        reverse("admin:mailconf_outgoing_test", args=[conn.pk]), {"to": "me@example.test"}, follow=True
    )
    assert "Test message sent to me@example.test" in response.content.decode()
    assert smtp.plain.wait_for_messages(1)[0].rcpt_tos == ["me@example.test"]
    admin.post(reverse("admin:mailconf_outgoing_toggle", args=[conn.pk]))
    assert OutgoingConnection.load().enabled is False
    assert admin.get(reverse("admin:mailconf_outgoing_toggle", args=[conn.pk])).status_code == 405


def test_outbox_list_filters_and_actions(admin, outgoing, smtp, fast_retries, django_capture_on_commit_callbacks):
    outgoing()
    failed = enqueue_mail(to=["x@example.test"], subject="Will fail", text="t", kind="system", schedule=False)
    smtp.plain.fail_next(1, code=550)
    deliver_due()
    waiting = enqueue_mail(to=["y@example.test"], subject="Waiting", text="t", kind="system", schedule=False)
    url = reverse("admin:mailconf_outboxmessage_changelist")
    page = admin.get(url, {"status__exact": "failed"}).content.decode()
    assert "Will fail" in page and "Waiting" not in page and "550" in page
    admin.post(url, {"action": "cancel", "_selected_action": [waiting.pk]})
    waiting.refresh_from_db()
    assert waiting.status == "cancelled"
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(url, {"action": "resend", "_selected_action": [failed.pk]})
    failed.refresh_from_db()
    assert failed.status == "sent"
    detail = admin.get(reverse("admin:mailconf_outboxmessage_change", args=[failed.pk])).content.decode()
    assert "x@example.test" in detail


def test_secret_never_logged(outgoing, smtp, caplog, settings) -> None:
    caplog.set_level(logging.DEBUG)
    conn = outgoing(smtp.auth)
    conn.password = SECRET
    conn.save()
    check_connection()  # refused: wrong password
    msg = enqueue_mail(to=["a@example.test"], subject="s", text="t", kind="system", schedule=False)
    deliver_due()
    msg.refresh_from_db()
    assert "535" in msg.last_error
    assert SECRET not in caplog.text and SECRET not in msg.last_error
    assert SECRET.encode() not in bytes(msg.raw)

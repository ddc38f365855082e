"""The technologist's views: connection card (write-only password, check), mail log, raw download, reprocess."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mailconf.inbound import intake
from mailconf.models import IncomingConnection, MailResult, ProcessedMessage
from servicedesk.models import Ticket

from .conftest import make_mail, poll

pytestmark = pytest.mark.slow


def test_mail_log_lists_messages_links_tickets_and_serves_the_raw_source(cast, mailbox, make_connection, admin_client):
    conn = make_connection()
    raw = make_mail(subject="Монитор мигает")
    mailbox.deliver(raw)
    poll(conn)
    entry = ProcessedMessage.objects.get()

    page = admin_client.get(reverse("admin:mailconf_processedmessage_changelist"))
    download = admin_client.get(reverse("admin:mailconf_processedmessage_raw", args=[entry.pk]))

    html = page.content.decode()
    assert "Монитор мигает" in html and f"#{entry.ticket_id}" in html
    assert download.status_code == 200 and download["Content-Type"] == "message/rfc822"
    assert b"".join(download.streaming_content).replace(b"\r\n", b"\n") == raw.replace(b"\r\n", b"\n")


def test_reprocess_action_from_the_log(cast, mailbox, make_connection, admin_client, monkeypatch):
    conn = make_connection()
    mailbox.deliver(make_mail())
    with monkeypatch.context() as patch:
        patch.setattr(intake, "open_ticket", lambda *a: (_ for _ in ()).throw(RuntimeError("temporarily broken")))
        poll(conn)
    entry = ProcessedMessage.objects.get()

    admin_client.post(
        reverse("admin:mailconf_processedmessage_changelist"),
        {"action": "reprocess_selected", "_selected_action": [entry.pk]},
    )

    entry.refresh_from_db()
    assert entry.result == MailResult.TICKET and Ticket.objects.count() == 1


def test_connection_card_keeps_the_password_when_left_empty_and_checks(cast, mailbox, make_connection, admin_client):
    conn = make_connection(name="card")
    url = reverse("admin:mailconf_incomingconnection_change", args=[conn.pk])
    form = admin_client.get(url).content.decode()
    assert mailbox.password not in form and conn.password_encrypted not in form

    data = {
        "name": "card",
        "protocol": "imap",
        "enabled": "on",
        "host": conn.host,
        "port": conn.port,
        "encryption": "none",
        "verify_certificate": "on",
        "login": conn.login,
        "password": "",
        "client_id": "",
        "tenant_id": "",
        "client_secret": "",
        "ews_url": "",
        "interval": 90,
        "folders": "INBOX",
        "processed_folder": "",
        "error_folder": "",
        "unregistered": "address",
        "auto_replies": "comment",
        "closed_tickets": "new_ticket",
        "accept_unknown_replies": "on",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    conn = IncomingConnection.objects.get()
    assert conn.interval == 90 and conn.password == mailbox.password

    admin_client.post(
        reverse("admin:mailconf_incomingconnection_changelist"),
        {"action": "check_selected", "_selected_action": [conn.pk]},
    )
    conn.refresh_from_db()
    # The server's greeting is logged, never shown: a check must not print what a remote said.
    assert conn.check_status == "success" and conn.last_error == ""

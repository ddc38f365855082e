"""Microsoft 365 through Graph sendMail, with app-only tokens from (a fake) Azure AD through msal."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta

import pytest
from django.utils import timezone

from mailconf.connections import check_connection
from mailconf.models import OutboxMessage, OutgoingConnection
from mailconf.outbox import deliver_due, enqueue_mail

from .conftest import oauth_connection

pytestmark = pytest.mark.django_db


def queue(n: int) -> list[OutboxMessage]:
    return [
        enqueue_mail(to=[f"r{i}@example.test"], subject=f"Тема {i}", text="t", kind="system", schedule=False)
        for i in range(n)
    ]


def test_sends_the_mime_message_with_one_cached_token(azure_ad, graph) -> None:
    oauth_connection("graph")
    rows = queue(3)
    assert deliver_due().sent == 3
    assert [user for user, _raw in graph.sent] == ["desk@example.test"] * 3
    first = email.message_from_bytes(graph.sent[0][1], policy=email.policy.default)
    assert first["Message-ID"] == rows[0].message_id and first["Subject"] == "Тема 0"
    queue(1)
    deliver_due()
    assert len(azure_ad.issued) == 1, "the token is cached between batches"
    conn = OutgoingConnection.load()
    assert conn.oauth_token_expires_at > timezone.now() + timedelta(minutes=55)
    assert azure_ad.issued[0] not in conn.oauth_token_encrypted, "the cached token is encrypted"


def test_token_renewed_shortly_before_expiry(azure_ad, graph) -> None:
    oauth_connection("graph")
    azure_ad.expires_in = 200  # less than the renewal margin
    queue(1)
    deliver_due()
    queue(1)
    deliver_due()
    assert len(azure_ad.issued) == 2 and len(graph.sent) == 2


def test_check_is_an_authenticated_read(azure_ad, graph) -> None:
    oauth_connection("graph")
    assert check_connection().ok
    assert ("GET", "/v1.0/users/desk@example.test?$select=id,mail") in graph.requests
    assert graph.sent == [] and OutgoingConnection.load().check_status == "success"


def test_bad_secret_reported_and_admin_alerted_once(azure_ad, graph) -> None:
    oauth_connection("graph", client_secret="wrong-Secret-9", admin_email="admin@example.test")
    outcome = check_connection()
    assert not outcome.ok and outcome.text.startswith("No OAuth2 access token could be obtained")
    assert "invalid_client" in OutgoingConnection.load().last_error
    assert "AADSTS7000215" in OutgoingConnection.load().last_error
    assert "wrong-Secret-9" not in OutgoingConnection.load().last_error
    check_connection()
    alerts = OutboxMessage.objects.filter(subject="Outgoing mail: the OAuth2 token cannot be renewed")
    assert alerts.count() == 1 and list(alerts.get().recipients) == ["admin@example.test"]


def test_graph_errors_temporary_and_permanent(azure_ad, graph, fast_retries) -> None:
    oauth_connection("graph")
    retried, refused = queue(2)
    graph.fail_with = [503, 403]
    stats = deliver_due()
    assert (stats.retrying, stats.failed) == (1, 1)
    retried.refresh_from_db()
    refused.refresh_from_db()
    assert retried.status == "queued" and "503" in retried.last_error
    assert refused.status == "failed" and "403 ErrorSendAsDenied" in refused.last_error
    deliver_due()
    retried.refresh_from_db()
    assert retried.status == "sent"


def test_neither_secret_nor_token_is_logged(azure_ad, graph, caplog) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    oauth_connection("graph")
    queue(1)
    deliver_due()
    graph.fail_with = [401]
    queue(1)
    deliver_due()
    assert azure_ad.issued and "client-Secret-1" not in caplog.text
    assert azure_ad.issued[0] not in caplog.text

"""The mail canary: a tagged mail round the real path (SMTP → Dovecot → IMAP poll), timed, never
a ticket; a stopped SMTP server makes it late, then lost, and the administrator hears once each."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from mailconf import canary
from mailconf.models import CanaryProbe, Encryption, MailCanary, OutboxMessage, OutgoingConnection, ProcessedMessage
from mailconf.outbox import deliver_due
from servicedesk.models import Ticket

from .conftest import make_mail, poll

pytestmark = pytest.mark.slow

START = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def loop(cast, mailbox, make_connection, smtp):
    """Outgoing mail through the SMTP fixture into Dovecot, an IMAP card with its canary on."""
    smtp.deliver_to(mailbox.server)
    out = OutgoingConnection.load()
    out.protocol, out.host, out.port = "smtp", smtp.plain.host, smtp.plain.port
    out.encryption, out.auth = Encryption.NONE, False
    out.from_address, out.reply_to, out.sender_name = "desk@corp.example", "support@example.test", "Service desk"
    out.admin_email = "admin@corp.example"
    out.save()
    conn = make_connection("imap", "ssl")
    bird = MailCanary.objects.create(incoming=conn, enabled=True, address=mailbox.address)
    yield conn, bird, smtp
    smtp.plain.up()


def _alerts() -> list[str]:
    return list(
        OutboxMessage.objects.filter(kind="system", subject__icontains="canary")
        .order_by("pk")
        .values_list("subject", flat=True)
    )


def test_canary_goes_round_and_is_recognised_not_filed(loop, client: Client) -> None:
    conn, bird, smtp = loop
    with time_machine.travel(START, tick=False):
        [probe_id] = canary.send_due_probes()
        deliver_due()
    smtp.plain.wait_for_messages(1)
    with time_machine.travel(START + dt.timedelta(seconds=40), tick=False):
        counts = poll(conn)

    assert counts.tickets == 0 and not Ticket.objects.exists()
    probe = CanaryProbe.objects.get(pk=probe_id)
    assert probe.received_at is not None and probe.lag_seconds == pytest.approx(40)
    bird.refresh_from_db()
    assert bird.last_proven_at == START + dt.timedelta(seconds=40) and bird.last_lag_seconds == pytest.approx(40)
    assert "canary" in ProcessedMessage.objects.get().reason
    health = client.get("/health").json()
    [state] = health["mail_canaries"]
    assert state["mailbox"] == conn.name and state["state"] == "ok" and state["lag_seconds"] == 40.0


def test_next_probe_waits_for_the_interval(loop) -> None:
    _conn, bird, _smtp = loop
    with time_machine.travel(START, tick=False):
        assert len(canary.send_due_probes()) == 1
    with time_machine.travel(START + dt.timedelta(minutes=14), tick=False):
        assert canary.send_due_probes() == []
    with time_machine.travel(START + dt.timedelta(minutes=15), tick=False):
        assert len(canary.send_due_probes()) == 1


def test_stopped_smtp_makes_the_canary_late_then_lost_alerting_once_each(loop, client: Client) -> None:
    conn, bird, smtp = loop
    smtp.plain.down()
    with time_machine.travel(START, tick=False):
        canary.send_due_probes()
        deliver_due()
    assert _alerts() == []

    with time_machine.travel(START + dt.timedelta(minutes=11), tick=False):
        assert canary.check_probes() == {bird.pk: "late"}
        assert canary.check_probes() == {bird.pk: "late"}
    assert len(_alerts()) == 1 and "late" in _alerts()[0]
    with time_machine.travel(START + dt.timedelta(minutes=61), tick=False):
        assert canary.check_probes() == {bird.pk: "lost"}
        canary.check_probes()
        health = client.get("/health").json()
    assert len(_alerts()) == 2 and "lost" in _alerts()[1]
    assert health["mail_canaries"][0]["state"] == "lost" and health["ok"] is False

    smtp.plain.up()
    with time_machine.travel(START + dt.timedelta(minutes=62), tick=False):
        deliver_due()
        smtp.plain.wait_for_messages(1)
        poll(conn)
        assert canary.check_probes() == {bird.pk: "ok"}
    bird.refresh_from_db()
    assert bird.alert == "" and bird.last_lag_seconds == pytest.approx(62 * 60)


def test_fetcher_that_stopped_is_found_too(loop) -> None:
    """The mail arrives in the mailbox but nobody reads it: late all the same."""
    _conn, bird, smtp = loop
    with time_machine.travel(START, tick=False):
        canary.send_due_probes()
        deliver_due()
    smtp.plain.wait_for_messages(1)
    with time_machine.travel(START + dt.timedelta(minutes=10), tick=False):
        assert canary.check_probes() == {bird.pk: "late"}


def test_canary_subject_with_unknown_token_is_ignored(loop, mailbox) -> None:
    conn, _bird, _smtp = loop
    mailbox.deliver(make_mail(subject="Mail canary [canary " + "0" * 32 + "]"))
    counts = poll(conn)
    assert counts.tickets == 0 and not Ticket.objects.exists()
    assert "unknown token" in ProcessedMessage.objects.get().reason


def test_both_cards_show_the_last_proven_delivery_and_lag(loop, client: Client, django_user_model) -> None:
    conn, bird, _smtp = loop
    MailCanary.objects.filter(pk=bird.pk).update(last_proven_at=START, last_lag_seconds=42.4)
    client.force_login(django_user_model.objects.create_superuser("tech", "tech@corp.example", "x"))
    with translation.override("en"):
        incoming = client.get(reverse("admin:mailconf_incomingconnection_change", args=[conn.pk])).content.decode()
        outgoing = client.get(reverse("admin:mailconf_outgoingconnection_change", args=[1])).content.decode()
    for page in (incoming, outgoing):
        assert "last proven delivery 04.12.2026 12:00, lag 42 s" in page
    assert conn.name in outgoing
    canary_page = client.get(reverse("admin:mailconf_mailcanary_change", args=[bird.pk])).content.decode()
    assert "lag 42 s" in canary_page


def test_technologist_switches_the_canary_on_from_the_mailbox_card(cast, mailbox, make_connection, client) -> None:
    conn = make_connection("imap", "ssl")
    client.force_login(cast.technologist)
    card = client.get(reverse("admin:mailconf_incomingconnection_change", args=[conn.pk])).content.decode()
    add_url = reverse("admin:mailconf_mailcanary_add") + f"?incoming={conn.pk}"
    assert add_url in card
    response = client.post(
        add_url,
        {
            "incoming": conn.pk,
            "enabled": "on",
            "address": "",
            "interval_minutes": 5,
            "late_after_minutes": 3,
            "lost_after_minutes": 30,
        },
    )
    assert response.status_code == 302
    bird = MailCanary.objects.get(incoming=conn)
    assert bird.enabled and bird.target == conn.login


def test_old_probes_are_pruned_with_the_outbox(loop, settings) -> None:
    _conn, bird, _smtp = loop
    settings.MAIL_OUTBOX_RETENTION_DAYS = 30
    with time_machine.travel(START, tick=False):
        canary.send_due_probes()
    assert canary.prune_probes(START + dt.timedelta(days=29)) == 0
    assert canary.prune_probes(START + dt.timedelta(days=31)) == 1


def test_unreachable_imap_server_makes_the_canary_late(loop) -> None:
    """The IMAP side down (nothing listens on the card's port): polls fail, the canary is late."""
    import socket

    from mailconf.inbound import poll_connection

    conn, bird, smtp = loop
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    conn.port = closed_port
    conn.save()
    with time_machine.travel(START, tick=False):
        canary.send_due_probes()
        deliver_due()
    smtp.plain.wait_for_messages(1)
    with time_machine.travel(START + dt.timedelta(minutes=5), tick=False):
        poll_connection(conn.pk)
    conn.refresh_from_db()
    assert conn.consecutive_failures == 1
    with time_machine.travel(START + dt.timedelta(minutes=11), tick=False):
        assert canary.check_probes() == {bird.pk: "late"}
    assert len(_alerts()) == 1

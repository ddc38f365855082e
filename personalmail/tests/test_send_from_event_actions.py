"""An event action set to "send from the responsible employee's personal mailbox" sends its letter
through that employee's own mailbox (SMTP fixture, then the server's Sent folder) when they allowed
it, and through the service desk's outbox otherwise."""

from __future__ import annotations

import pytest

from mailconf.models import Encryption, OutboxMessage, OutgoingConnection
from notifications import catalogue
from notifications.tests.factories import make_action, new_ticket, only_actions
from personalmail.models import SendStatus, SentMail
from servicedesk.services.tickets import add_comment

from .test_send_mail import _sent_on_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk_outbox(smtp):
    conn = OutgoingConnection.load()
    conn.protocol, conn.host, conn.port = "smtp", smtp.plain.host, smtp.plain.port
    conn.encryption, conn.auth = Encryption.NONE, False
    conn.from_address, conn.reply_to, conn.sender_name = "desk@corp.example", "support@corp.example", "Desk"
    conn.notifications_enabled = conn.notify_unregistered = True
    conn.save()
    return conn


def _comment(cast, django_capture_on_commit_callbacks):
    only_actions(
        make_action(
            catalogue.COMMENT_PUBLIC,
            to_requester=True,
            from_responsible_mailbox=True,
            subject_ru="Ответ по заявке TICKET_NUMBER",
            body_ru="COMMENT_TEXT",
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        ticket = new_ticket(cast, subject="Не печатает принтер")
    with django_capture_on_commit_callbacks(execute=True):
        add_comment(ticket=ticket, actor=cast.operator.user, body="Замените картридж")
    return ticket


def test_letter_leaves_from_the_responsible_employees_mailbox(
    cast, connect, mail_servers, desk_outbox, django_capture_on_commit_callbacks
):
    dovecot, smtp = mail_servers
    connect(cast.second_line.user, allow_in_processes=True)
    ticket = _comment(cast, django_capture_on_commit_callbacks)

    received = smtp.tls.wait_for_messages(1)[0]
    assert received.login == "user1" and received.rcpt_tos == ["kirill@romashka.example"]
    message = received.parsed()
    assert message["From"].addresses[0].addr_spec == "user1@example.test"
    assert message["Subject"] == f"[#{ticket.pk}] Ответ по заявке {ticket.pk}"
    assert "Замените картридж" in message.get_body(("plain",)).get_content()
    row = SentMail.objects.get()
    assert row.status == SendStatus.SENT and row.appended
    assert [m["Subject"] for m, _flags in _sent_on_server(dovecot)] == [message["Subject"]]
    assert not OutboxMessage.objects.filter(recipients__has_key="kirill@romashka.example").exists()


def test_without_consent_the_letter_goes_through_the_outbox(
    cast, connect, mail_servers, desk_outbox, django_capture_on_commit_callbacks
):
    _dovecot, smtp = mail_servers
    connect(cast.second_line.user)  # connected, but business processes may not send from it
    _comment(cast, django_capture_on_commit_callbacks)

    received = smtp.plain.wait_for_messages(1)[0]
    assert received.rcpt_tos == ["kirill@romashka.example"]
    assert received.parsed()["From"].addresses[0].addr_spec == "desk@corp.example"
    assert not SentMail.objects.exists()


def test_a_lost_kick_is_finished_by_the_sweep(
    cast, connect, mail_servers, desk_outbox, django_capture_on_commit_callbacks, monkeypatch
):
    """The kick after commit is lost (broker down): the row waits as pending, and beat's sweep
    (the task without ids) sends it once its grace has passed — and only once."""
    from datetime import timedelta

    from personalmail import tasks
    from servicedesk import kicks

    _dovecot, smtp = mail_servers
    connect(cast.second_line.user, allow_in_processes=True)
    monkeypatch.setattr(kicks, "kick_on_commit", lambda task, ids=None: None)
    monkeypatch.setattr("personalmail.services.compose.kick_on_commit", lambda task, ids=None: None)
    _comment(cast, django_capture_on_commit_callbacks)
    row = SentMail.objects.get()
    assert row.status == SendStatus.PENDING
    assert tasks.deliver_sent_mail() == 0  # within the grace: its kick may still come
    SentMail.objects.filter(pk=row.pk).update(created_at=row.created_at - timedelta(minutes=5))
    assert tasks.deliver_sent_mail() == 1
    assert tasks.deliver_sent_mail() == 0
    assert smtp.tls.wait_for_messages(1)[0].rcpt_tos == ["kirill@romashka.example"]
    assert SentMail.objects.get().status == SendStatus.SENT

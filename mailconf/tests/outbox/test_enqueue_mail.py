"""enqueue_mail: one row in the caller's transaction, delivered after commit, suppression recorded."""

from __future__ import annotations

import pytest
from django.db import transaction

from mailconf.models import OutboxMessage, OutgoingConnection
from mailconf.outbox import deliver_due, enqueue_mail, ticket_subject_tag, ticket_thread_headers

pytestmark = pytest.mark.django_db


def test_rolled_back_change_leaves_no_mail(outgoing, smtp, django_capture_on_commit_callbacks) -> None:
    outgoing()

    class Boom(Exception):
        """The change that caused the mail fails."""

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Boom), transaction.atomic():
        enqueue_mail(to=["a@example.test"], subject="s", text="t", kind="system")
        raise Boom
    assert not OutboxMessage.objects.exists()
    assert smtp.plain.messages == []


def test_committed_mail_is_delivered_after_commit(outgoing, smtp, django_capture_on_commit_callbacks) -> None:
    outgoing()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        msg = enqueue_mail(to=["Анна <anna@example.test>"], subject="Hello", text="t", kind="system")
        assert OutboxMessage.objects.get().status == "queued"
    assert len(callbacks) == 1
    (received,) = smtp.plain.wait_for_messages(1)
    msg.refresh_from_db()
    assert msg.status == "sent" and msg.sent_at and msg.attempts == 1
    assert received.parsed()["Message-ID"] == msg.message_id and msg.message_id.endswith("@example.test>")
    assert received.mail_from == "desk@example.test" and received.rcpt_tos == ["anna@example.test"]
    assert received.parsed()["Reply-To"] == "help@example.test"


def test_global_switch_suppresses_notifications_but_not_tests(outgoing, smtp, django_capture_on_commit_callbacks):
    outgoing(notifications_enabled=False, notify_unregistered=True)
    with django_capture_on_commit_callbacks(execute=True):
        note = enqueue_mail(to=["a@example.test"], subject="n", text="t")
        test = enqueue_mail(to=["a@example.test"], subject="t", text="t", kind="test")
    note.refresh_from_db()
    assert note.status == "skipped" and "turned off" in note.last_error
    assert note.recipients["a@example.test"]["status"] == "suppressed"
    test.refresh_from_db()
    assert test.status == "sent"
    assert [m.parsed()["Subject"] for m in smtp.plain.wait_for_messages(1)] == ["t"]


def test_unregistered_recipients_suppressed_unless_allowed(
    outgoing, smtp, django_user_model, django_capture_on_commit_callbacks
) -> None:
    django_user_model.objects.create(username="known", email="Known@Example.test")
    outgoing(notify_unregistered=False)
    with django_capture_on_commit_callbacks(execute=True):
        msg = enqueue_mail(to=["known@example.test", "stranger@example.test"], subject="n", text="t")
    msg.refresh_from_db()
    assert msg.recipients["stranger@example.test"]["status"] == "suppressed"
    assert msg.recipients["known@example.test"]["status"] == "sent"
    (received,) = smtp.plain.wait_for_messages(1)
    assert received.rcpt_tos == ["known@example.test"]
    assert "stranger" not in received.parsed()["To"]


def test_invalid_address_recorded_others_sent(outgoing, smtp, django_capture_on_commit_callbacks) -> None:
    outgoing(notify_unregistered=True)
    with django_capture_on_commit_callbacks(execute=True):
        msg = enqueue_mail(to=["ok@example.test", "bad\r\nBcc: evil@attacker.test"], subject="s", text="t")
    msg.refresh_from_db()
    assert msg.status == "partial"
    bad = [info for addr, info in msg.recipients.items() if addr != "ok@example.test"]
    assert bad[0]["status"] == "failed" and bad[0]["invalid"]
    assert smtp.plain.wait_for_messages(1)[0].rcpt_tos == ["ok@example.test"]


def test_signature_appended_to_notifications_only(outgoing, smtp, django_capture_on_commit_callbacks) -> None:
    outgoing(notify_unregistered=True, signature="С уважением,\nСлужба поддержки")
    with django_capture_on_commit_callbacks(execute=True):
        note = enqueue_mail(to=["a@example.test"], subject="n", text="Body", html="<p>Body</p>")
        reply = enqueue_mail(to=["a@example.test"], subject="r", text="Body", kind="reply", auto_submitted=False)
    assert note.text.endswith("-- \nС уважением,\nСлужба поддержки\n") and "Служба поддержки</p>" in note.html
    assert reply.text == "Body"
    first, second = smtp.plain.wait_for_messages(2)
    assert first.parsed()["Auto-Submitted"] == "auto-generated" and second.parsed()["Auto-Submitted"] is None


def test_ticket_threading_and_subject_tag(outgoing, django_capture_on_commit_callbacks) -> None:
    outgoing(notify_unregistered=True)
    assert ticket_thread_headers(42) == ("", [])
    first = enqueue_mail(to=["a@example.test"], subject="s", text="t", ticket_id=42, schedule=False)
    second = enqueue_mail(to=["a@example.test"], subject="s", text="t", ticket_id=42, schedule=False)
    enqueue_mail(to=["a@example.test"], subject="s", text="t", ticket_id=43, schedule=False)
    in_reply_to, references = ticket_thread_headers(42)
    assert in_reply_to == second.message_id and references == [first.message_id, second.message_id]
    third = enqueue_mail(
        to=["a@example.test"],
        subject="s",
        text="t",
        ticket_id=42,
        in_reply_to=in_reply_to,
        references=references,
        schedule=False,
    )
    assert f"In-Reply-To: {second.message_id}".encode() in bytes(third.raw)
    assert ticket_subject_tag(42) == "[#42]"


def test_sending_refused_until_send_parameters_are_set(outgoing, smtp, fast_retries) -> None:
    outgoing(from_address="", reply_to="", sender_name="")
    msg = enqueue_mail(to=["a@example.test"], subject="s", text="t", kind="system", schedule=False)
    assert msg.raw is None
    deliver_due()
    msg.refresh_from_db()
    assert msg.status == "queued" and "send parameters" in msg.last_error and "Reply-To" in msg.last_error
    assert smtp.plain.messages == []
    conn = OutgoingConnection.load()
    conn.from_address, conn.reply_to, conn.sender_name = "desk@example.test", "help@example.test", "Desk"
    conn.save()
    deliver_due()
    msg.refresh_from_db()
    assert msg.status == "sent"
    assert smtp.plain.wait_for_messages(1)[0].parsed()["From"].addresses[0].display_name == "Desk"


def test_header_injection_through_every_typed_value(outgoing, smtp, django_capture_on_commit_callbacks) -> None:
    payload = "Hi\r\nBcc: evil@attacker.test\r\nX-Injected: 1"
    outgoing(notify_unregistered=True, sender_name=payload)
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_mail(
            to=[f"{payload} <a@example.test>", "b@example.test\r\nBcc: evil@attacker.test"],
            cc=["c@example.test"],
            subject=payload,
            text="t",
            reply_to="x@example.test\nBcc: e@a.test",
            headers={"X-Ticket": payload},
            kind="system",
        )
    (received,) = smtp.plain.wait_for_messages(1)
    # Addresses carrying line breaks are refused whole (recorded as invalid), never repaired.
    assert received.rcpt_tos == ["c@example.test"]
    parsed = received.parsed()
    assert parsed["From"].addresses[0].addr_spec == "desk@example.test"
    assert parsed["Bcc"] is None and parsed["X-Injected"] is None
    assert b"\r\nBcc:" not in received.raw and b"\r\nX-Injected:" not in received.raw
    assert parsed["Reply-To"] == "help@example.test", "a reply-to with a line break is dropped for the default"

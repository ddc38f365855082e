"""Delivery: retries with backoff for temporary failures, per-recipient permanent failures, leases."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from mailconf.models import OutboxMessage, OutgoingConnection
from mailconf.outbox import cancel_messages, deliver_due, enqueue_mail, prune_sent, resend_messages
from mailconf.outbox.delivery import StatusWrites
from mailconf.protocols.smtp import SmtpTransport

pytestmark = pytest.mark.django_db


def queue(n: int = 1, to: list[str] | None = None) -> list[OutboxMessage]:
    return [
        enqueue_mail(to=to or [f"r{i}@example.test"], subject=f"m{i}", text="t", kind="system", schedule=False)
        for i in range(n)
    ]


def reload(msg: OutboxMessage) -> OutboxMessage:
    msg.refresh_from_db()
    return msg


def test_server_down_then_back_nothing_lost(outgoing, smtp, fast_retries) -> None:
    outgoing()
    rows = queue(3)
    smtp.plain.down()
    stats = deliver_due()
    assert stats.as_dict() == {"sent": 0, "retrying": 3, "failed": 0}
    assert all(reload(r).status == "queued" and r.attempts == 1 and "cannot connect" in r.last_error for r in rows)
    conn = OutgoingConnection.load()
    assert conn.check_status == "error" and conn.consecutive_failures == 1
    smtp.plain.up()
    assert deliver_due().sent == 3
    assert len(smtp.plain.wait_for_messages(3)) == 3
    assert OutgoingConnection.load().consecutive_failures == 0


def test_backoff_grows_exponentially(outgoing, smtp, settings) -> None:
    settings.MAIL_RETRY_BASE_SECONDS, settings.MAIL_RETRY_MAX_SECONDS = 60, 3600
    outgoing()
    (msg,) = queue()
    smtp.plain.fail_next(5, code=451)
    delays = []
    for _attempt in range(3):
        OutboxMessage.objects.filter(pk=msg.pk).update(next_attempt_at=timezone.now())
        before = timezone.now()
        deliver_due()
        delays.append((reload(msg).next_attempt_at - before).total_seconds())
    assert [round(d / 60) for d in delays] == [1, 2, 4]
    assert "451" in msg.last_error and msg.attempts == 3


def test_4xx_then_success(outgoing, smtp, fast_retries) -> None:
    outgoing()
    (msg,) = queue()
    smtp.plain.fail_next(1, code=451, text="4.3.0 Try again later")
    assert deliver_due().retrying == 1
    assert "451 4.3.0 Try again later" in reload(msg).last_error
    assert deliver_due().sent == 1
    assert reload(msg).status == "sent" and msg.attempts == 2
    assert len(smtp.plain.wait_for_messages(1)) == 1


def test_5xx_fails_at_once_with_the_server_reply(outgoing, smtp, fast_retries) -> None:
    outgoing()
    (msg,) = queue()
    smtp.plain.fail_next(1, code=554, text="5.7.1 Rejected as spam")
    assert deliver_due().failed == 1
    msg = reload(msg)
    assert msg.status == "failed" and "554 5.7.1 Rejected as spam" in msg.last_error and msg.next_attempt_at is None
    assert msg.recipients["r0@example.test"]["status"] == "failed"
    assert deliver_due().as_dict() == {"sent": 0, "retrying": 0, "failed": 0}


def test_one_recipient_rejected_of_three_is_recorded_per_recipient(outgoing, smtp, fast_retries) -> None:
    outgoing()
    smtp.plain.reject_recipient("b@example.test", 550, "5.1.1 No such user")
    (msg,) = queue(to=["a@example.test", "b@example.test", "c@example.test"])
    deliver_due()
    msg = reload(msg)
    assert msg.status == "partial"
    assert {a: i["status"] for a, i in msg.recipients.items()} == {
        "a@example.test": "sent",
        "b@example.test": "failed",
        "c@example.test": "sent",
    }
    assert "550 5.1.1 No such user" in msg.recipients["b@example.test"]["error"]
    assert "b@example.test" in msg.last_error
    assert smtp.plain.wait_for_messages(1)[0].rcpt_tos == ["a@example.test", "c@example.test"]


def test_temporarily_refused_recipient_is_retried_alone(outgoing, smtp, fast_retries) -> None:
    outgoing()
    smtp.plain.reject_recipient("b@example.test", 450, "4.2.1 Mailbox busy")
    (msg,) = queue(to=["a@example.test", "b@example.test"])
    assert deliver_due().retrying == 1
    assert reload(msg).recipients["a@example.test"]["status"] == "sent"
    smtp.plain.reset()
    deliver_due()
    assert reload(msg).status == "sent"
    assert [m.rcpt_tos for m in smtp.plain.wait_for_messages(1)] == [["b@example.test"]]


def test_dropped_connection_mid_batch_reconnects_for_the_rest(outgoing, smtp, fast_retries) -> None:
    outgoing()
    rows = queue(4)
    smtp.plain.drop_next(1, stage="data")
    stats = deliver_due()
    assert stats.sent == 3 and stats.retrying == 1
    assert reload(rows[0]).status == "queued" and "connection lost" in rows[0].last_error
    deliver_due()
    assert sorted(m.rcpt_tos[0] for m in smtp.plain.wait_for_messages(4)) == [f"r{i}@example.test" for i in range(4)]


def test_gives_up_after_the_retry_period(outgoing, smtp, fast_retries) -> None:
    outgoing()
    (msg,) = queue()
    OutboxMessage.objects.filter(pk=msg.pk).update(give_up_at=timezone.now() - timedelta(seconds=1))
    smtp.plain.down()
    assert deliver_due().failed == 1
    msg = reload(msg)
    assert msg.status == "failed" and "cannot connect" in msg.last_error


def test_rows_of_a_dead_worker_become_due_when_the_lease_passes(outgoing, smtp) -> None:
    outgoing()
    live, dead = queue(2)
    now = timezone.now()
    OutboxMessage.objects.filter(pk=live.pk).update(status="sending", lease_until=now + timedelta(minutes=5))
    OutboxMessage.objects.filter(pk=dead.pk).update(status="sending", lease_until=now - timedelta(seconds=1))
    assert deliver_due().sent == 1
    assert reload(dead).status == "sent" and reload(live).status == "sending"


def test_disabled_connection_holds_mail(outgoing, smtp) -> None:
    outgoing(enabled=False)
    (msg,) = queue()
    assert deliver_due().as_dict() == {"sent": 0, "retrying": 0, "failed": 0}
    assert reload(msg).status == "queued" and smtp.plain.messages == []


def test_cancel_and_resend(outgoing, smtp, fast_retries) -> None:
    outgoing()
    waiting, failing = queue(2)
    assert cancel_messages([waiting.pk]) == 1
    smtp.plain.fail_next(1, code=550)
    deliver_due()
    assert reload(waiting).status == "cancelled" and reload(failing).status == "failed"
    assert resend_messages([waiting.pk, failing.pk]) == 2
    deliver_due()
    assert reload(waiting).status == "sent" and reload(failing).status == "sent"


def test_prune_deletes_old_sent_rows_only(outgoing, smtp, settings) -> None:
    settings.MAIL_OUTBOX_RETENTION_DAYS = 30
    outgoing()
    old_sent, new_sent, old_failed = queue(3)
    long_ago = timezone.now() - timedelta(days=31)
    OutboxMessage.objects.filter(pk=old_sent.pk).update(status="sent", sent_at=long_ago)
    OutboxMessage.objects.filter(pk=new_sent.pk).update(status="sent", sent_at=timezone.now())
    OutboxMessage.objects.filter(pk=old_failed.pk).update(status="failed", sent_at=None, created_at=long_ago)
    assert prune_sent() == 1
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {new_sent.pk, old_failed.pk}


def test_outcomes_are_written_in_groups_of_the_set_size(outgoing, smtp, settings) -> None:
    settings.MAIL_STATUS_GROUP_ROWS, settings.MAIL_STATUS_GROUP_SECONDS = 5, 60
    outgoing()
    rows = queue(12)
    written: list[int] = []
    real_flush = StatusWrites.flush

    def counting_flush(self: StatusWrites) -> None:
        written.append(len(self._plain) + len(self._with_raw))
        real_flush(self)

    StatusWrites.flush = counting_flush  # type: ignore[method-assign]
    try:
        assert deliver_due().sent == 12
    finally:
        StatusWrites.flush = real_flush  # type: ignore[method-assign]
    assert [n for n in written if n] == [5, 5, 2], "two full groups, the rest at the end of the batch"
    assert all(reload(r).status == "sent" and r.sent_at and r.lease_until is None for r in rows)


def test_a_slow_server_writes_each_outcome_after_the_group_time(outgoing, smtp, settings) -> None:
    settings.MAIL_STATUS_GROUP_ROWS, settings.MAIL_STATUS_GROUP_SECONDS = 100, 0
    outgoing()
    first, second = queue(2)
    seen: list[str] = []
    real_send = SmtpTransport.send

    def send(self: SmtpTransport, envelope: Any) -> Any:
        # The second message goes out only after the first one's outcome is in the database.
        seen.append(OutboxMessage.objects.get(pk=first.pk).status)
        return real_send(self, envelope)

    SmtpTransport.send = send  # type: ignore[method-assign]
    try:
        assert deliver_due().sent == 2
    finally:
        SmtpTransport.send = real_send  # type: ignore[method-assign]
    assert seen == ["sending", "sent"]
    assert reload(second).status == "sent"


def test_an_unexpected_error_still_writes_what_was_sent(outgoing, smtp, settings) -> None:
    settings.MAIL_STATUS_GROUP_ROWS, settings.MAIL_STATUS_GROUP_SECONDS = 100, 60
    outgoing()
    rows = queue(3)
    real_close = SmtpTransport.close

    def close(self: SmtpTransport) -> None:
        real_close(self)
        raise RuntimeError("the worker is going down")

    SmtpTransport.close = close  # type: ignore[method-assign]
    try:
        with pytest.raises(RuntimeError):
            deliver_due()
    finally:
        SmtpTransport.close = real_close  # type: ignore[method-assign]
    assert [reload(r).status for r in rows] == ["sent"] * 3, "the gathered outcomes were written on the way out"
    assert len(smtp.plain.wait_for_messages(3)) == 3

"""enqueue_mail_many: many rows in one write, one delivery request, rows like enqueue_mail's."""

from __future__ import annotations

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from mailconf.models import OutboxMessage
from mailconf.outbox import enqueue_mail, enqueue_mail_many

pytestmark = pytest.mark.django_db
IGNORED = {"id", "message_id", "raw", "created_at", "next_attempt_at", "give_up_at"}


def letter(n: int, **overrides) -> dict:
    return {
        "to": [f"Получатель {n} <r{n}@example.test>"],
        "subject": f"[#{n}] Заявка",
        "text": f"Текст {n}",
        "html": f"<p>{n}</p>",
        "ticket_id": n,
        "headers": {"X-Servicedesk-Origin": "notification"},
        **overrides,
    }


def test_batch_rows_match_single_rows_and_are_delivered(outgoing, smtp, django_capture_on_commit_callbacks) -> None:
    outgoing(notify_unregistered=True, signature="Подпись")
    single = enqueue_mail(**letter(0), schedule=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rows = enqueue_mail_many([letter(n) for n in range(1, 61)])
    assert len(callbacks) == 1, "one delivery request for the whole batch"
    assert [r.ticket_id for r in rows] == list(range(1, 61)) and all(r.pk for r in rows)
    stored = OutboxMessage.objects.get(pk=rows[0].pk)
    expected = {k: v for k, v in model_to_dict(single).items() if k not in IGNORED}
    got = {k: v for k, v in model_to_dict(stored).items() if k not in IGNORED}
    for key in ("kind", "headers", "auto_submitted", "reply_to", "references"):
        assert got[key] == expected[key], key
    assert got["text"] == expected["text"].replace("Текст 0", "Текст 1"), "the signature is appended in batches too"
    assert stored.recipients == {
        "r1@example.test": {**single.recipients["r0@example.test"], "status": "sent", "name": "Получатель 1"}
    }
    assert bytes(stored.raw).startswith(b"From:") and stored.give_up_at == rows[0].give_up_at
    # The batch's one kick delivers every due row: the 60 and the single one queued before it.
    received = smtp.plain.wait_for_messages(61)
    assert sorted(m.rcpt_tos[0] for m in received) == sorted(f"r{n}@example.test" for n in range(61))
    assert {m.parsed()["Message-ID"] for m in received} == {r.message_id for r in [single, *rows]}


def test_batch_writes_in_a_few_queries_and_suppresses_unregistered(outgoing, django_user_model) -> None:
    django_user_model.objects.create(username="known", email="R3@Example.test")
    outgoing(notify_unregistered=False)
    with CaptureQueriesContext(connection) as queries:
        rows = enqueue_mail_many([letter(n) for n in range(100)])
    # Settings, three registered-address lookups, the id sequence and the COPY; never one per message.
    assert len(queries) <= 8
    statuses = {r.ticket_id: r.status for r in OutboxMessage.objects.filter(pk__in=[r.pk for r in rows])}
    assert statuses[3] == "queued" and statuses[4] == "skipped"
    assert sum(s == "skipped" for s in statuses.values()) == 99


def test_invalid_kind_refuses_the_whole_batch(outgoing) -> None:
    outgoing()
    with pytest.raises(ValueError):
        enqueue_mail_many([letter(1), letter(2, kind="spam")])
    assert not OutboxMessage.objects.exists()

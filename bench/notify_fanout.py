"""One event fanned out to 1,000 recipients: matched, rendered and queued in one transaction.

    .venv/bin/python bench/notify_fanout.py [--recipients 1000] [--runs 5]

Builds a fresh database ``servicedesk_bench_notify`` (dropped and re-created; nothing else is
touched), puts `--recipients` employees into the responsible team of a ticket and times the real
``notifications.fanout.fan_out`` for a public comment with one enabled event action per channel:

- e-mail: 1,000 personalised messages rendered and written to the outbox with the real
  ``enqueue_mail`` (the MIME bytes are built there too), plus the delivery journal;
- in-app push: 1,000 Notification rows, the journal and one Redis publish per recipient;
- Web Push: every recipient has one browser subscription: 1,000 channel messages (payload with the
  absolute link) and the journal;
- Telegram: every recipient has a linked chat: 1,000 channel messages with their buttons ("Take")
  in the recipient's language, and the journal;
- all: the four actions at once, 4,000 deliveries from one event (what the issue asks for);
- "held": the four again with every recipient on a daily digest, so each of the 4,000 is rendered
  and kept as a HeldNotification row (notifications/quiet.py) instead of going out;
- webhook: one signed-webhook action, one WebhookDelivery row (the call itself is after commit).

Each run is timed from the call to the commit, inclusive. The after-commit kicks of the outbox and
of the channel dispatcher are dropped (their own benches measure sending; Web Push sending is
`bench/webpush_latency.py`); nothing is sent. Target: under one second each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Several people may bench on one machine: each can name their own throwaway database.
DB_NAME = os.environ.get("BENCH_NOTIFY_DB", "servicedesk_bench_notify")
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def setup_django() -> None:
    os.environ.update(
        {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
            "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
            "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1"),
            "CELERY_BROKER_URL": "memory://",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def build_world(recipients: int) -> tuple[object, object]:
    """A ticket whose team has `recipients` members, and the commenting operator."""
    from mailconf.models import Encryption, OutgoingConnection
    from servicedesk.models import Department, Employee, Team, TicketType, User
    from servicedesk.services.tickets import create_ticket

    conn = OutgoingConnection.load()
    conn.host, conn.port, conn.encryption = "127.0.0.1", 2525, Encryption.NONE
    conn.from_address, conn.reply_to, conn.sender_name = "desk@bench.test", "support@bench.test", "Desk"
    conn.signature, conn.notify_unregistered = "Service desk\n+7 495 000-00-00", True
    conn.save()
    department = Department.objects.create(name="Bench")
    users = User.objects.bulk_create(User(username=f"u{i}", email=f"u{i}@bench.test") for i in range(recipients))
    members = Employee.objects.bulk_create(
        Employee(
            user=user,
            department=department,
            last_name=f"Сотрудник {i}",
            first_name="Тест",
            email=user.email,
            language="ru" if i % 2 else "en",
        )
        for i, user in enumerate(users)
    )
    from notifications.models import PushSubscription, TelegramAccount

    PushSubscription.objects.bulk_create(
        PushSubscription(user=user, endpoint=f"https://push.bench.test/{i}", p256dh="B" * 87, auth="A" * 22)
        for i, user in enumerate(users)
    )
    TelegramAccount.objects.bulk_create(TelegramAccount(user=user, chat_id=10**9 + i) for i, user in enumerate(users))
    team = Team.objects.create(name="Everybody")
    team.members.add(*members)
    actor = User.objects.create(username="operator", email="operator@bench.test")
    ticket = create_ticket(
        actor=actor,
        ticket_type=TicketType.objects.get(code="incident"),
        subject="Mail is down",
        requester_email="client@bench.test",
        responsible_team=team,
    )
    return ticket, actor


CHANNELS = ("email", "push", "webpush", "telegram")


def only_channel(channel: str) -> None:
    from notifications.models import DeliverySchedule, EventAction

    EventAction.objects.update(enabled=False)
    DeliverySchedule.objects.all().delete()
    if channel == "webhook":
        EventAction.objects.filter(name="bench webhook").update(enabled=True)
        return
    codes = [f"comment-public-{c}" for c in (CHANNELS if channel in ("all", "held") else (channel,))]
    EventAction.objects.filter(code__in=codes).update(
        enabled=True, to_responsible=False, to_requester=False, to_watchers=False, to_team=True
    )
    if channel == "held":
        from servicedesk.models import User

        DeliverySchedule.objects.bulk_create(
            DeliverySchedule(user=user, digest=DeliverySchedule.Digest.DAILY)
            for user in User.objects.filter(username__startswith="u")
        )


def add_webhook() -> None:
    from notifications import catalogue
    from notifications.models import Channel, EventAction
    from webhooks.models import Webhook

    action = EventAction.objects.create(
        name="bench webhook", event=catalogue.COMMENT_PUBLIC, channel=Channel.WEBHOOK, enabled=False
    )
    hook = Webhook(name="bench", url="http://127.0.0.1:9/hook")
    hook.secret = "bench"
    hook.save()
    hook.actions.set([action])


OUTBOX_SECONDS = [0.0]
# CPU time of this process for the last run: what the fan-out costs whatever else the machine does
# (the database server's share is not in it).
CPU_SECONDS = [0.0]


def measure_outbox() -> None:
    """Count the time spent inside the outbox API separately (it belongs to mailconf)."""
    from notifications import fanout, mail

    original = mail.enqueue_many

    def timed(letters: list) -> list:
        started = time.perf_counter()
        try:
            return original(letters)
        finally:
            OUTBOX_SECONDS[0] += time.perf_counter() - started

    fanout.mail.enqueue_many = timed  # type: ignore[attr-defined]


def time_one(ticket: object, actor: object, number: int) -> tuple[float, int]:
    from django.db import connection, transaction

    from notifications import catalogue
    from notifications.fanout import fan_out
    from notifications.models import Occurrence
    from servicedesk.models import Comment

    comment = Comment.objects.create(ticket=ticket, author=actor, author_name="Оператор", body=f"Комментарий {number}")
    occurrence = Occurrence.objects.create(
        event=catalogue.COMMENT_PUBLIC,
        ticket=ticket,
        actor=actor,
        data={"comment_id": comment.pk, "private": False, "source": "web"},
    )
    started, cpu = time.perf_counter(), time.process_time()
    with transaction.atomic():
        journal = fan_out(occurrence.pk)
        # Delivery belongs to the outbox worker; keep only the push wake-ups.
        connection.run_on_commit = [item for item in connection.run_on_commit if "_publish" in repr(item[1])]
    CPU_SECONDS[0] = time.process_time() - cpu
    return time.perf_counter() - started, sum(1 for entry in journal if entry.status in ("queued", "held"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    recreate_database()
    setup_django()
    from django.conf import settings

    settings.NOTIFY_RATE_PER_RECIPIENT = (10**6, 3600)  # the bench is its own storm
    settings.NOTIFY_RATE_PER_TICKET = (10**6, 600)
    settings.NOTIFY_BURST_THRESHOLD = 0  # every run is the same event for the same people
    ticket, actor = build_world(args.recipients)
    add_webhook()
    measure_outbox()
    print(
        f"{'channel':<8} {'queued':>10} {'median s':>9} {'max s':>7} {'in outbox API s':>16} "
        f"{'without it s':>13} {'cpu s':>6}  target < 1 s"
    )
    for channel in (*CHANNELS, "all", "held", "webhook"):
        only_channel(channel)
        times, outbox, cpus, queued = [], [], [], 0
        for run in range(args.runs):
            OUTBOX_SECONDS[0] = 0.0
            seconds, queued = time_one(ticket, actor, run)
            times.append(seconds)
            outbox.append(OUTBOX_SECONDS[0])
            cpus.append(CPU_SECONDS[0])
        verdict = "ok" if max(times) < 1.0 else "OVER"
        rest = statistics.median(t - o for t, o in zip(times, outbox, strict=True))
        print(
            f"{channel:<8} {queued:>10} {statistics.median(times):>9.3f} {max(times):>7.3f} "
            f"{statistics.median(outbox):>16.3f} {rest:>13.3f} {statistics.median(cpus):>6.3f}  {verdict}"
        )


if __name__ == "__main__":
    main()

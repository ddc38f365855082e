"""Outbox delivery throughput: queued messages sent to a local SMTP server by one worker.

    .venv/bin/python bench/outbox_send.py [--messages 5000] [--batch-size 200]
    .venv/bin/python bench/outbox_send.py --send-mail [--messages 5000]

Builds a fresh database ``servicedesk_bench_outbox`` (dropped and re-created; nothing else is
touched), starts aiosmtpd's Sink handler in a separate process on loopback (so the server does not
compete with the worker for the GIL), queues the messages with the real ``enqueue_mail`` and
delivers them with the real ``deliver_due`` (claim with a lease, one SMTP connection per batch, one
row update per message). For comparison it first times raw smtplib over one connection with the
same message. Target: at least 500 messages per second.

With ``--send-mail`` it measures the path Django code takes instead: the messages are queued by
that many ``django.core.mail.send_mail`` calls (each its own transaction, each asking for
delivery with a kick on the embedded filesystem broker, ``safefs://`` in a fresh VAR_DIR), then a
real Celery worker (``celery worker -P solo``) started afterwards delivers them as the kicks
arrive. Delivery is timed from the first to the last ``sent_at`` (the worker's start-up is not
counted) and set against raw smtplib to the same sink in the same run: target at least 0.5x.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "servicedesk_bench_outbox"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
TEXT = "Здравствуйте! Заявка №{n} зарегистрирована, срок решения — завтра до 18:00.\n" * 5


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_sink(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.05)
    server.kill()
    raise SystemExit("the SMTP sink did not start")


def raw_smtplib_rate(port: int, raw: bytes, count: int) -> float:
    import smtplib

    with smtplib.SMTP("127.0.0.1", port) as smtp:
        started = time.perf_counter()
        for i in range(count):
            smtp.sendmail("desk@example.test", [f"r{i}@example.test"], raw)
        return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--send-mail", action="store_true", help="queue with send_mail, deliver by a worker")
    args = parser.parse_args()
    if args.send_mail:
        send_mail_run(args.messages)
        return

    recreate_database()
    os.environ.update(
        {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
            "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
            "CELERY_BROKER_URL": "memory://",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from mailconf.models import OutboxMessage, OutgoingConnection
    from mailconf.outbox import deliver_due, enqueue_mail

    call_command("migrate", verbosity=0)
    port = free_port()
    sink = start_sink(port)
    try:
        conn = OutgoingConnection.load()
        conn.host, conn.port, conn.encryption, conn.auth = "127.0.0.1", port, "none", False
        conn.from_address, conn.reply_to, conn.sender_name = (
            "desk@example.test",
            "help@example.test",
            "Служба поддержки",
        )
        conn.notify_unregistered = True
        conn.save()

        started = time.perf_counter()
        with transaction.atomic():
            for n in range(args.messages):
                enqueue_mail(
                    to=[f"Получатель {n} <r{n}@example.test>"],
                    subject=f"[#{n}] Заявка зарегистрирована",
                    text=TEXT.format(n=n),
                    kind="notification",
                    ticket_id=n,
                    schedule=False,
                )
        enqueue_rate = args.messages / (time.perf_counter() - started)

        sample = bytes(OutboxMessage.objects.values_list("raw", flat=True).first())
        baseline = raw_smtplib_rate(port, sample, min(args.messages, 2000))

        started = time.perf_counter()
        stats = deliver_due(batch_size=args.batch_size)
        elapsed = time.perf_counter() - started
        sent_rows = OutboxMessage.objects.filter(status="sent").count()
    finally:
        sink.terminate()
        sink.wait(timeout=10)

    rate = stats.sent / elapsed
    print(f"messages            {args.messages} ({len(sample)} bytes each, batch {args.batch_size})")
    print(f"enqueue             {enqueue_rate:8.0f} msg/s (enqueue_mail, builds the MIME message)")
    print(f"raw smtplib         {baseline:8.0f} msg/s (one connection, no database)")
    print(f"outbox delivery     {rate:8.0f} msg/s ({stats.sent} sent in {elapsed:.2f} s, {sent_rows} rows sent)")
    print(f"target 500 msg/s    {'met' if rate >= 500 and sent_rows == args.messages else 'NOT met'}")


def send_mail_run(count: int) -> None:
    import tempfile

    recreate_database()
    var_dir = tempfile.mkdtemp(prefix="sd-bench-outbox-")
    os.environ.update(
        {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
            "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
            "VAR_DIR": var_dir,
            "REDIS_URL": "",
            "CELERY_BROKER_URL": "safefs://",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.core import mail
    from django.core.management import call_command
    from django.db.models import Max, Min

    from mailconf.models import OutboxMessage, OutgoingConnection

    try:
        from servicedesk import kicks
    except ImportError:  # the code before coalesced kicks (a before/after comparison in one run)
        kicks = None  # type: ignore[assignment]

    call_command("migrate", verbosity=0)
    port = free_port()
    sink = start_sink(port)
    worker: subprocess.Popen[bytes] | None = None
    try:
        conn = OutgoingConnection.load()
        conn.host, conn.port, conn.encryption, conn.auth = "127.0.0.1", port, "none", False
        conn.from_address, conn.reply_to, conn.sender_name = "desk@example.test", "help@example.test", "Desk"
        conn.save()
        started = time.perf_counter()
        for n in range(count):
            mail.send_mail(f"Заявка {n}", TEXT.format(n=n), None, [f"r{n}@example.test"])
        if kicks is not None:
            kicks.flush()
        queue_rate = count / (time.perf_counter() - started)
        queue = Path(var_dir) / "broker" / "queue"
        kick_files = sum(1 for name in os.listdir(queue) if name.endswith(".msg"))
        sample = bytes(OutboxMessage.objects.values_list("raw", flat=True).first() or b"")
        baseline = raw_smtplib_rate(port, sample, min(count, 2000))
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "servicedesk", "worker", "-P", "solo", "-l", "WARNING"],
            cwd=ROOT,
            env=os.environ.copy(),
        )
        deadline = time.monotonic() + 600
        while OutboxMessage.objects.filter(status="sent").count() < count and time.monotonic() < deadline:
            time.sleep(0.2)
        span = OutboxMessage.objects.aggregate(first=Min("sent_at"), last=Max("sent_at"))
        sent = OutboxMessage.objects.filter(status="sent").count()
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(30)
        sink.terminate()
        sink.wait(timeout=10)
    seconds = max((span["last"] - span["first"]).total_seconds(), 1e-6) if span["first"] else float("inf")
    rate = sent / seconds
    print(f"messages            {count} send_mail calls ({len(sample)} bytes each)")
    print(f"send_mail           {queue_rate:8.0f} calls/s, {kick_files} kick file(s) on the broker")
    print(f"raw smtplib         {baseline:8.0f} msg/s (one connection, no database)")
    print(f"worker delivery     {rate:8.0f} msg/s ({sent} sent in {seconds:.2f} s) = {rate / baseline:.2f}x raw")
    print(f"target 0.5x         {'met' if rate >= 0.5 * baseline and sent == count else 'NOT met'}")


if __name__ == "__main__":
    main()

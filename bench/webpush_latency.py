"""Web Push latency: from the commit of a comment to the encrypted push arriving at the push service.

    .venv/bin/python bench/webpush_latency.py [--events 200] [--interval 0.1]

Builds a fresh database ``servicedesk_bench_webpush`` (dropped and re-created), starts a real
Celery worker (prefork, two processes, Redis broker: ``BENCH_REDIS_URL``, default db 14) in a
subprocess and a local push service (HTTP) in this process. One employee is responsible for a
ticket and has one browser subscription at that push service; only the shipped public-comment action of
the Web Push channel is enabled. Then `--events` comments are committed, one every
`--interval` seconds, each through the real `add_comment` service. The path is the production
one: domain event after commit → occurrence → fan-out task on the worker → channel message row →
dispatch task on the worker → VAPID-signed, aes128gcm-encrypted POST.

Latency = arrival at the push service - the moment just before the comment's COMMIT (same clock).
Each arrival is decrypted with the browser's keys and matched to its comment by text.
Prints p50, p95 and max. Target: p95 ≤ 500 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "servicedesk_bench_webpush"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def environment() -> dict[str, str]:
    env = {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
        "REDIS_URL": REDIS_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "WEBPUSH_ALLOW_HTTP": "true",
        # The bench is its own storm: the worker must not stop it at the storm limits.
        "NOTIFY_RATE_PER_RECIPIENT": "1000000,3600",
        "NOTIFY_RATE_PER_TICKET": "1000000,600",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    return {**os.environ, **env}


def setup_django() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # no kicks left over from an earlier run


def build_world(endpoint: str, keys: object) -> tuple[object, object]:
    from notifications import webpush
    from notifications.models import EventAction
    from servicedesk.models import Department, Employee, TicketType, User
    from servicedesk.services.tickets import create_ticket

    department = Department.objects.create(name="Bench")
    user = User.objects.create(username="duty", email="duty@bench.test")
    employee = Employee.objects.create(
        user=user, department=department, last_name="Дежурный", first_name="Иван", email=user.email
    )
    webpush.subscribe(user=user, endpoint=endpoint, p256dh=keys.p256dh, auth=keys.auth)  # type: ignore[attr-defined]
    EventAction.objects.update(enabled=False)
    EventAction.objects.filter(code="comment-public-webpush").update(
        enabled=True, to_responsible=True, to_watchers=False, to_requester=False
    )
    actor = User.objects.create(username="operator", email="operator@bench.test")
    ticket = create_ticket(
        actor=actor,
        ticket_type=TicketType.objects.get(code="incident"),
        subject="Mail is down",
        requester_email="client@bench.test",
        responsible_employee=employee,
    )
    return ticket, actor


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "celery", "-A", "servicedesk", "worker", "-l", "warning"]
    command += ["--pool", "prefork", "--concurrency", "2", "--without-gossip", "--without-mingle"]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def comment(ticket: object, actor: object, text: str) -> float:
    """Commit one comment; returns the wall-clock moment just before COMMIT."""
    from django.db import transaction

    from servicedesk.services.tickets import add_comment

    with transaction.atomic():
        add_comment(ticket=ticket, actor=actor, body=text)  # type: ignore[arg-type]
        before_commit = time.time()
    return before_commit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--interval", type=float, default=0.1)
    args = parser.parse_args()
    recreate_database()
    env = environment()
    setup_django()
    from notifications.tests.pushservice import BrowserKeys, PushService

    service = PushService().start()
    keys = BrowserKeys()
    ticket, actor = build_world(service.endpoint("bench"), keys)
    worker = start_worker(env)
    try:
        comment(ticket, actor, "warm-up")  # the worker's first task imports and connects
        service.wait_for(1, timeout=60)
        service.received.clear()
        committed: dict[str, float] = {}
        for number in range(args.events):
            text = f"bench comment {number}"
            committed[text] = comment(ticket, actor, text)
            time.sleep(args.interval)
        arrivals = service.wait_for(args.events, timeout=60)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        service.stop()
    latencies = []
    for arrival in arrivals:
        body = keys.decrypt(arrival.body)["body"]
        text = next(t for t in committed if body.endswith(t) or t in body)
        latencies.append((arrival.at - committed.pop(text)) * 1000)
    latencies.sort()
    p95 = latencies[max(0, int(round(0.95 * len(latencies))) - 1)]
    verdict = "ok" if p95 <= 500 else "OVER"
    print(
        f"events {len(latencies)}  p50 {statistics.median(latencies):.0f} ms  p95 {p95:.0f} ms  max {latencies[-1]:.0f} ms  target p95 ≤ 500 ms: {verdict}"
    )


if __name__ == "__main__":
    main()

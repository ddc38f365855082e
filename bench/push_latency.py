"""In-app push latency: from the commit of a notification row to the browser's event handler.

    .venv/bin/python bench/push_latency.py [--events 200] [--no-redis]

Builds a fresh database ``servicedesk_bench_push`` (dropped and re-created), starts the real ASGI
application under uvicorn in a subprocess (Redis pub/sub by default; `--no-redis` measures the
embedded default, which polls the database), opens the notification centre in Debian's Chromium
through Playwright as one operator, then commits `--events` notifications for that operator, one
every 50 ms. Each row is committed with the same call the fan-out uses (`push.announce`), the time
taken just before the commit; the page records `performance.timeOrigin + performance.now()` in
its "sd:notification" handler. Latency = handler time - commit time (same machine clock).
Prints p50, p95 and max. Target: p95 under 500 ms.
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
DB_NAME = "servicedesk_bench_push"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def setup_django(redis_url: str) -> str:
    database_url = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": "memory://",
            "LOG_LEVEL": "WARNING",
            # Playwright's sync API runs an event loop in this thread; these ORM calls are synchronous.
            "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
        }
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return database_url


def operator_session() -> tuple[int, str]:
    from django.test import Client

    from servicedesk.models import Department, Employee, User

    user = User.objects.create_user(username="operator", password="bench-Pass-1")
    Employee.objects.create(user=user, department=Department.objects.create(name="Bench"), last_name="Оператор")
    client = Client()
    client.force_login(user)
    return user.pk, client.cookies["sessionid"].value


def commit_one(user_id: int, number: int) -> tuple[int, float]:
    from django.db import transaction

    from notifications import push
    from notifications.models import Notification

    with transaction.atomic():
        row = Notification.objects.create(
            user_id=user_id, event="bench", title=f"Bench {number}", body="", url="/notifications/"
        )
        push.announce([user_id])
        committed_at = time.time() * 1000
    return row.pk, committed_at


def run(events: int, redis_url: str) -> list[float]:
    from playwright.sync_api import sync_playwright

    from notifications.testing import AsgiServer

    database_url = setup_django(redis_url)
    user_id, session = operator_session()
    server = AsgiServer(
        database_url,
        redis_url,
        settings_module="servicedesk.settings",
        extra_env={
            "CELERY_BROKER_URL": "memory://",
            "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        },
    ).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            context = browser.new_context(base_url=server.url)
            context.add_cookies([{"name": "sessionid", "value": session, "url": server.url}])
            page = context.new_page()
            page.goto("/notifications/")
            page.evaluate("""() => { window.__seen = {};
                window.addEventListener('sd:notification', e => {
                  window.__seen[e.detail.id] = performance.timeOrigin + performance.now(); }); }""")
            page.wait_for_function("document.documentElement.dataset.pushState === 'open'", timeout=10000)
            sent: dict[int, float] = {}
            for number in range(events):
                row_id, at = commit_one(user_id, number)
                sent[row_id] = at
                page.wait_for_timeout(50)  # lets the page's loop run, and spaces the events
            page.wait_for_function(f"Object.keys(window.__seen).length >= {events}", timeout=15000)
            seen = page.evaluate("window.__seen")
            browser.close()
    finally:
        server.stop()
    return [seen[str(row_id)] - at for row_id, at in sent.items()]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--no-redis", action="store_true", help="the embedded default: poll the database")
    args = parser.parse_args()
    recreate_database()
    latencies = run(args.events, "" if args.no_redis else REDIS_URL)
    mode = "database polling" if args.no_redis else "Redis pub/sub"
    p95 = percentile(latencies, 0.95)
    print(
        f"push latency over {len(latencies)} events ({mode}): p50 {statistics.median(latencies):.0f} ms, "
        f"p95 {p95:.0f} ms, max {max(latencies):.0f} ms  {'ok' if p95 < 500 else 'OVER'} (target p95 < 500 ms)"
    )


if __name__ == "__main__":
    main()

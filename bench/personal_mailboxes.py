"""Personal mailboxes at scale: 200 Dovecot mailboxes watched with IMAP IDLE by one process.

    .venv/bin/python bench/personal_mailboxes.py [--mailboxes 200] [--deliveries 200]

Uses the database ``servicedesk_bench_personal`` (dropped and re-created) and a private Dovecot
with one user per mailbox (IMAPS, the test certificate). The watcher is the one `manage.py
mail_idle` runs for personal mailboxes (personalmail.idle.IdleLoop: one selector thread, a bounded
worker pool). Measured:

- memory per watched mailbox: the process's RSS once every mailbox holds IDLE, minus the RSS
  before the loop started, divided by the number of mailboxes (TLS session, IMAP client, socket);
  the process's thread count with all of them watched;
- pop-up latency: a message is written into a random mailbox's Maildir and timed until its
  pop-up (the Notification row the browser's stream reads) is committed; p50/p95/max. The push
  from that row to an open page is bench/push_latency.py's figure.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_NAME = "servicedesk_bench_personal"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
TIMEOUT_PER_MESSAGE = 15.0
BENCH_UID = 64013


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def message(n: int) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Клиент {n} <client{n}@client.example>"
    msg["To"] = "employee@example.test"
    msg["Subject"] = f"Pop-up probe {n}"
    msg["Message-ID"] = f"<popup-{n}@client.example>"
    msg.set_content("Please call me back.")
    return msg.as_bytes()


def setup_env(work: Path) -> None:
    os.environ.update(
        {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
            "VAR_DIR": str(work / "var"),
            "MEDIA_ROOT": str(work / "media"),
            "CELERY_BROKER_URL": "filesystem://",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            # No Redis: the bench stays away from the shared server; rows are what is timed.
            "REDIS_URL": "",
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
    for sub in ("queue", "processed"):
        (work / "var" / "broker" / sub).mkdir(parents=True, exist_ok=True)
    import psycopg

    with psycopg.connect(PG_ADMIN_URL.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mailboxes", type=int, default=200)
    parser.add_argument("--deliveries", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--gap", type=float, default=0.2, help="Seconds between deliveries.")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-personal-"))
    work.chmod(0o755)
    setup_env(work)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.conf import settings

    from notifications.models import Notification
    from personalmail.idle import IdleLoop
    from personalmail.models import PersonalMailbox
    from servicedesk.models import User
    from servicedesk.testing.mailservers import start_dovecot

    logins = {f"emp{n}": f"emp{n}-Pass" for n in range(args.mailboxes)}
    (work / "dovecot").mkdir()
    # Mail processes under a uid of their own: IDLE takes one inotify instance per session, and the
    # per-user limit (128 by default) would otherwise be taken from every other Dovecot running as
    # "nobody" on the machine. Sessions beyond the limit poll every second (test Dovecot config).
    dovecot = start_dovecot(users=logins, root=work / "dovecot", oauth=False, mail_ids=(BENCH_UID, BENCH_UID))
    settings.MAIL_CA_FILE = str(dovecot.cert_path)
    stop = threading.Event()
    thread = None
    try:
        owners = {}
        for login, password in logins.items():
            user = User.objects.create_user(username=login, password=None)
            box = PersonalMailbox(
                user=user,
                service="other",
                email=dovecot.address(login),
                login=login,
                imap_host=dovecot.host,
                imap_port=dovecot.imaps_port,
                imap_encryption="ssl",
                smtp_host="127.0.0.1",
                smtp_port=465,
                smtp_encryption="ssl",
                status="ok",
            )
            box.password = password
            box.save()
            owners[login] = user.pk
        loop = IdleLoop(workers=args.workers, rescan_seconds=5)
        before_rss, before_threads = rss_kib(), threading.active_count()
        started = time.monotonic()
        thread = threading.Thread(target=loop.run, args=(stop,), name="personal-idle-loop")
        thread.start()
        while sum(1 for w in loop.watches.values() if w.box is not None) < args.mailboxes:
            if time.monotonic() - started > 300:
                raise SystemExit("not every mailbox reached IDLE within 300 s")
            time.sleep(0.2)
        ready = time.monotonic() - started
        time.sleep(2.0)
        after_rss, after_threads = rss_kib(), threading.active_count()
        per_box = (after_rss - before_rss) / args.mailboxes
        print(
            f"{args.mailboxes} mailboxes in IDLE after {ready:.1f} s (connect, first synchronisation, IDLE); "
            f"RSS {before_rss / 1024:.1f} -> {after_rss / 1024:.1f} MiB = {per_box:.0f} KiB per watched mailbox; "
            f"threads {before_threads} -> {after_threads} (loop + {args.workers} workers)",
            flush=True,
        )
        latencies = []
        rng = random.Random(13)
        for n in range(args.deliveries):
            time.sleep(args.gap)
            login = rng.choice(list(logins))
            t0 = time.monotonic()
            dovecot.deliver(login, message(n))
            subject = f"Pop-up probe {n}"
            latency = None
            while time.monotonic() - t0 < TIMEOUT_PER_MESSAGE:
                if Notification.objects.filter(user_id=owners[login], body=subject).exists():
                    latency = time.monotonic() - t0
                    break
                time.sleep(0.005)
            latencies.append(latency)
        done = sorted(x for x in latencies if x is not None)
        p95 = done[max(0, int(len(done) * 0.95) - 1)] if done else float("nan")
        print(
            f"{len(done)}/{len(latencies)} pop-ups within {TIMEOUT_PER_MESSAGE:.0f} s; "
            f"p50 {statistics.median(done) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {done[-1] * 1000:.0f} ms; "
            f"load average {os.getloadavg()[0]:.2f}"
        )
    finally:
        stop.set()
        if thread is not None:
            thread.join(timeout=120)
        dovecot.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

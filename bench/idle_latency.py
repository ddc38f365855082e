"""IMAP IDLE latency: from a message landing in the mailbox to its ticket being committed.

    .venv/bin/python bench/idle_latency.py [--deliveries 200]

Uses the database ``servicedesk_bench_intake`` (dropped and re-created; do not run it at the same
time as bench/intake_throughput.py) and a private Dovecot from the test harness. The watcher is
the one `manage.py mail_idle` runs (mailconf.inbound.idle.IdleWatcher, polling in-process); each
delivery is written straight into the Maildir, one at a time, and timed until its ledger row is
committed. Prints p50, p95 and max.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TIMEOUT_PER_MESSAGE = 10.0


def message(n: int) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"user{n}@client.example"
    msg["To"] = "support@example.test"
    msg["Subject"] = f"Latency probe {n}"
    msg["Message-ID"] = f"<idle-{n}@client.example>"
    msg.set_content("The server room is too hot.")
    return msg.as_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deliveries", type=int, default=200)
    parser.add_argument("--verbose", action="store_true", help="Print every latency.")
    parser.add_argument(
        "--gap", type=float, default=0.5, help="Seconds between deliveries, so each one meets a watcher that is idling."
    )
    args = parser.parse_args()

    from intake_throughput import build_env, manage, recreate_database

    work = Path(tempfile.mkdtemp(prefix="bench-idle-"))
    work.chmod(0o755)
    env = build_env(work)
    recreate_database()
    manage(env, "migrate", "--verbosity", "0")
    os.environ.update(env)
    import django

    django.setup()
    from mailconf.inbound import IdleWatcher
    from mailconf.models import IncomingConnection, ProcessedMessage
    from servicedesk.testing.mailservers import start_dovecot

    (work / "dovecot").mkdir()
    dovecot = start_dovecot(root=work / "dovecot", oauth=False)
    watcher = None
    try:
        conn = IncomingConnection(
            name="idle",
            protocol="imap",
            host=dovecot.host,
            port=dovecot.imap_port,
            encryption="none",
            login="support",
            interval=3600,
        )
        conn.password = dovecot.users["support"]
        conn.save()
        watcher = IdleWatcher(conn.pk, wait_seconds=60)
        watcher.start()
        time.sleep(1.0)
        latencies = []
        for n in range(args.deliveries):
            time.sleep(args.gap)
            latencies.append(_one(dovecot, ProcessedMessage, n))
            if args.verbose:
                print(n, latencies[-1], watcher.wakeups, flush=True)
        done = [x for x in latencies if x is not None]
        ordered = sorted(done)
        p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)] if ordered else float("nan")
        print(
            f"{len(done)}/{len(latencies)} delivered within {TIMEOUT_PER_MESSAGE:.0f} s; "
            f"p50 {statistics.median(done) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {max(done) * 1000:.0f} ms; "
            f"watcher wake-ups {watcher.wakeups}"
        )
    finally:
        if watcher is not None:
            watcher.stop()
        dovecot.stop()
        if watcher is not None:
            watcher.join(timeout=70)
        shutil.rmtree(work, ignore_errors=True)


def _one(dovecot: object, ledger: type, n: int) -> float | None:
    started = time.monotonic()
    dovecot.deliver("support", message(n))
    while time.monotonic() - started < TIMEOUT_PER_MESSAGE:
        if ledger.objects.filter(message_id=f"idle-{n}@client.example").exists():
            return time.monotonic() - started
        time.sleep(0.005)
    return None


if __name__ == "__main__":
    main()

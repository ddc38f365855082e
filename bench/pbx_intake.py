"""PBX API intake: missed-call POSTs from concurrent clients against the real ASGI server.

    .venv/bin/python bench/pbx_intake.py [--calls 1000] [--clients 10] [--web-workers 1] [--window 3]

Builds a fresh database ``servicedesk_bench_pbx`` (dropped and re-created) with 50 employees on
extensions 3000-3049, a PBX token, the address for missed calls and a grouping window of
`--window` seconds; starts uvicorn (`--web-workers` processes) and one Celery worker (2 processes)
on Redis, both with the production settings module, and a local SMTP server (aiosmtpd) the
outbox delivers to. Then `--clients` threads, each over one keep-alive connection, POST
`--calls` missed calls as JSON: nine in ten to an employee's extension, one in ten to an unknown
number (the fallback address), and one call in twenty is sent a second time with the same
call_id, as a PBX retrying after a timeout would (answered 200, stored nothing).

Prints the rate of accepted requests over the whole run, latency percentiles, the answers by
status, and then checks, once every window has closed and the worker is idle, that every mail
was queued exactly once: each call is in exactly one digest per recipient, each digest has one
outbox row, no outbox row is duplicated, and the SMTP server received as many messages as the
outbox holds. Targets: >= 200 requests/s and p95 <= 100 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "servicedesk_bench_pbx"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1")
EMPLOYEES = 50
FALLBACK = "missed@bench.example"
LOG_DIR = Path(os.environ.get("TMPDIR", "/tmp")) / "sd-bench-pbx-logs"
LOG_DIR.mkdir(exist_ok=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def recreate_database() -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    return f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"


def environment(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
        "REDIS_URL": REDIS_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "LOG_LEVEL": "WARNING",
        # Under ASGI every request runs in a thread of its own, so persistent connections would
        # pile up (one per finished thread); Django's advice for ASGI is CONN_MAX_AGE=0.
        "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "0"),
        # ... and a per-process connection pool keeps connections open between requests.
        "DATABASE_POOL_MAX": os.environ.get("DATABASE_POOL_MAX", "8"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "VAR_DIR": str(Path(os.environ.get("TMPDIR", "/tmp")) / "sd-bench-pbx-var"),
    }


def seed(window: int, smtp_port: int) -> str:
    """Employees, settings and a token; returns the token."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from mailconf.models import Encryption, OutgoingConnection
    from servicedesk.models import Department, Employee
    from telephony.models import TelephonySettings
    from telephony.services.tokens import create_token

    department = Department.objects.create(name="Bench")
    Employee.objects.bulk_create(
        Employee(
            department=department,
            last_name=f"Employee{n:02d}",
            email=f"e{n:02d}@bench.example",
            phone_extension=str(3000 + n),
            language="en",
        )
        for n in range(EMPLOYEES)
    )
    config = TelephonySettings.load()
    config.missed_calls_email = FALLBACK
    config.missed_window_seconds = window
    config.save()
    conn = OutgoingConnection.load()
    conn.host, conn.port, conn.encryption, conn.auth = "127.0.0.1", smtp_port, Encryption.NONE, False
    conn.from_address, conn.reply_to, conn.sender_name = "desk@bench.example", "support@bench.example", "Bench"
    conn.notifications_enabled = True
    conn.save()
    return create_token(pbx_name="bench")[1]


class Counter:
    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        with self.lock:
            self.count += 1
        return "250 OK"


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "servicedesk", "worker", "-c", "2", "-l", "warning", "--without-gossip"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(LOG_DIR / "worker.log", "wb"),  # noqa: SIM115  (closed with the process)
        start_new_session=True,
    )


def start_web(env: dict[str, str], web_workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "servicedesk.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(web_workers),
            "--no-access-log",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(LOG_DIR / "web.log", "wb"),  # noqa: SIM115
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/pbx/v1/openapi.json")
            if conn.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        raise RuntimeError("uvicorn did not start")
    return web, port


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        try:
            os.killpg(process.pid, signal.SIGTERM) if process.args[2] == "celery" else process.terminate()
        except ProcessLookupError:
            pass
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def plan(calls: int, seed_value: int = 12) -> list[dict[str, object]]:
    """The requests in order: each call once, and one in twenty again later (a PBX retry)."""
    rng = random.Random(seed_value)
    bodies = []
    for n in range(calls):
        to = str(3000 + rng.randrange(EMPLOYEES)) if rng.random() < 0.9 else f"+7495{rng.randrange(10**7):07d}"
        bodies.append(
            {
                "caller_id": f'"Caller {n}" <+7916{n:07d}>',
                "to": to,
                "duration": rng.randrange(1, 60),
                "date": "2025-03-14T09:26:53+03:00",
                "cause": "NOANSWER",
                "call_id": f"bench-{n}",
            }
        )
    retries = [dict(bodies[n]) for n in range(0, calls, 20)]
    requests = bodies + retries
    rng.shuffle(requests)
    return requests


def run_clients(port: int, token: str, requests: list[dict[str, object]], clients: int) -> tuple[list[float], dict]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    chunks = [requests[i::clients] for i in range(clients)]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def client(chunk: list[dict[str, object]]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        seen: dict[int, int] = {}
        for body in chunk:
            payload = json.dumps(body)
            started = time.perf_counter()
            conn.request("POST", "/api/pbx/v1/missed-calls", payload, headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            seen[response.status] = seen.get(response.status, 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)
            for status, count in seen.items():
                statuses[status] = statuses.get(status, 0) + count

    threads = [threading.Thread(target=client, args=(chunk,)) for chunk in chunks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses


def wait_until_mailed(window: int, timeout: float = 120.0) -> float:
    from django.db.models import Q

    from mailconf.models import OutboxMessage
    from telephony.models import MissedCallDigest, PbxCall

    deadline = time.perf_counter() + timeout + window
    while time.perf_counter() < deadline:
        unprocessed = PbxCall.objects.filter(processed_at__isnull=True).count()
        open_digests = MissedCallDigest.objects.filter(sent_at__isnull=True).count()
        waiting = OutboxMessage.objects.filter(Q(status="queued") | Q(status="sending")).count()
        if not unprocessed and not open_digests and not waiting:
            return time.perf_counter()
        time.sleep(0.25)
    raise RuntimeError("digests or outbox rows still waiting after the timeout")


def check_exactly_once(calls: int, received: int) -> dict[str, object]:
    from django.db.models import Count

    from mailconf.models import OutboxMessage
    from telephony.models import MissedCallDigest, PbxCall

    stored = PbxCall.objects.count()
    per_call = PbxCall.objects.annotate(n=Count("digests")).values_list("n", flat=True)
    digests = MissedCallDigest.objects.count()
    outbox_ids = list(MissedCallDigest.objects.values_list("outbox_id", flat=True))
    outbox = OutboxMessage.objects.count()
    # One address per call here (an employee with a mail, or the fallback): exactly one digest each.
    assert stored == calls, (stored, calls)
    assert set(per_call) == {1}, "a call is in no digest or in two"
    assert None not in outbox_ids and len(set(outbox_ids)) == digests == outbox, (digests, outbox)
    assert received == outbox, (received, outbox)
    sent = OutboxMessage.objects.filter(status="sent").count()
    return {
        "calls stored": stored,
        "digests (mails)": digests,
        "outbox rows": outbox,
        "sent": sent,
        "smtp received": received,
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--web-workers", type=int, default=1)
    parser.add_argument("--window", type=int, default=3)
    parser.add_argument(
        "--worker-during",
        action="store_true",
        help="run the Celery worker during the POSTs (on 2 cores it competes with the web process); "
        "by default it is started after them and drains the queue, as a worker on another machine would",
    )
    args = parser.parse_args()

    from aiosmtpd.controller import Controller

    counter = Counter()
    smtp = Controller(counter, hostname="127.0.0.1", port=free_port())
    smtp.start()
    database_url = recreate_database()
    env = environment(database_url)
    os.environ.update({k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"})
    os.environ["DJANGO_SETTINGS_MODULE"] = "servicedesk.settings"
    token = seed(args.window, smtp.port)
    web, port = start_web(env, args.web_workers)
    processes = [web]
    try:
        requests = plan(args.calls)
        processes.append(start_worker(env))
        run_clients(port, token, requests[:50], args.clients)  # warm-up: connections, imports
        from mailconf.models import OutboxMessage
        from telephony.models import MissedCallDigest, PbxCall

        wait_until_mailed(args.window)
        if not args.worker_during:
            stop(processes[1:])
            processes = processes[:1]
        PbxCall.objects.all().delete()
        MissedCallDigest.objects.all().delete()
        OutboxMessage.objects.all().delete()
        counter.count = 0
        started, cpu = time.perf_counter(), time.process_time()
        latencies, statuses = run_clients(port, token, requests, args.clients)
        elapsed, client_cpu = time.perf_counter() - started, time.process_time() - cpu
        if not args.worker_during:
            processes.append(start_worker(env))
        drained = wait_until_mailed(args.window) - started - elapsed
        time.sleep(1.0)  # the last SMTP transactions finish their bookkeeping
        checks = check_exactly_once(args.calls, counter.count)
    finally:
        stop(processes)
        smtp.stop()
    ms = [value * 1000 for value in latencies]
    print(
        f"requests: {len(latencies)} ({args.calls} calls + {len(latencies) - args.calls} retries), clients: {args.clients}, web workers: {args.web_workers}"
    )
    print(
        f"elapsed: {elapsed:.2f} s, rate: {len(latencies) / elapsed:.0f} requests/s "
        f"(the clients themselves used {client_cpu:.2f} s of CPU)"
    )
    print(
        f"latency ms: p50 {statistics.median(ms):.1f}, p95 {percentile(ms, 0.95):.1f}, "
        f"p99 {percentile(ms, 0.99):.1f}, max {max(ms):.1f}"
    )
    print(f"answers: {dict(sorted(statuses.items()))}")
    when = "during the POSTs" if args.worker_during else "started after the POSTs"
    print(f"worker ({when}): everything mailed {drained:.1f} s after the last POST (window {args.window} s)")
    print("exactly once: " + ", ".join(f"{key} {value}" for key, value in checks.items()))
    rate_ok = len(latencies) / elapsed >= 200
    p95_ok = percentile(ms, 0.95) <= 100
    print(f"targets: rate >= 200/s {'met' if rate_ok else 'MISSED'}, p95 <= 100 ms {'met' if p95_ok else 'MISSED'}")


if __name__ == "__main__":
    main()

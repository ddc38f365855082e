"""Does `make run` survive steady use? Crashes and lost broker messages under ~1 comment a second.

    .venv/bin/python bench/runstack_stress.py [--runs 3] [--duration 180] [--interval 1.0]

Each run starts `manage.py runstack` on the embedded defaults (SQLite and the filesystem
broker in a fresh temporary VAR_DIR, a free port), logs in as the demo operator and posts a
comment on a demo ticket through the web form every ``--interval`` seconds for ``--duration``
seconds (after the start-up burst has drained), then stops the stack with SIGTERM. Each comment's notification fan-out travels as a
broker message from the web process to the worker.

Per run it prints: comments posted (and refused), child crashes and restarts seen in the
supervisor's log, whether the stack died, broker message files set aside as unreadable, the
notification journal rows (Occurrence) of the run with how many the worker processed from its
kick within 10 s, later (the beat sweeper rescuing a lost kick) or not at all, and the shutdown
time. A crash is any "exited with code" / "was killed" line or a stack that stopped by itself; a
loss is a journal row never processed.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "stress-Test-pass-1"
KICK_SECONDS = 10.0


@dataclass
class Result:
    posted: int = 0
    refused: int = 0
    crashes: int = 0
    restarts: int = 0
    stack_died: bool = False
    set_aside: int = 0
    occurrences: int = 0
    by_kick: int = 0
    late: int = 0
    lost: int = 0
    stop_seconds: float = 0.0
    median: float = 0.0
    slowest: float = 0.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env.update(VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="servicedesk.settings", DEMO_PASSWORD=PASSWORD)
    env.setdefault("HEARTBEAT_INTERVAL", "5")
    return env


class Browser:
    """A logged-in session speaking to the web form like a person's browser."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict[str, str]) -> int:
        page = self.get(path if path.endswith("/login/") else path.rsplit("comments/", 1)[0])
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token.group(1) if token else ""}).encode()
        request = urllib.request.Request(self.base + path, data=data, headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def login(self) -> None:
        self.post("/login/", {"username": "operator", "password": PASSWORD})


def _wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("runstack exited during start-up")
        try:
            with urllib.request.urlopen(base + "/login/", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise RuntimeError("runstack did not answer within the start-up time")


def _wait_drained(queue: Path, timeout: float = 180.0) -> None:
    """Let the start-up burst (demo data notifications) through first, so the figures measure
    steady use rather than the backlog."""
    deadline = time.monotonic() + timeout
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        if any(queue.glob("*.msg")):
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 3:
            return
        time.sleep(0.5)


def _ticket_ids(db: Path) -> list[int]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM servicedesk_ticket ORDER BY id LIMIT 20")]


def _journal(db: Path, since: str) -> tuple[int, int, int, int, list[float]]:
    """(rows, processed within KICK_SECONDS, processed later, not processed, delays) since ``since``."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT created_at, processed_at FROM notifications_occurrence WHERE created_at >= ? ORDER BY id",
            (since,),
        ).fetchall()
    by_kick = late = lost = 0
    delays = []
    for created, processed in rows:
        if processed is None:
            lost += 1
            continue
        delays.append(_seconds(created, processed))
        if delays[-1] <= KICK_SECONDS:
            by_kick += 1
        else:
            late += 1
    return len(rows), by_kick, late, lost, delays


def _seconds(start: str, end: str) -> float:
    from datetime import datetime

    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def _utc_now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")


def run_once(duration: float, interval: float, settle: float) -> Result:
    result = Result()
    with tempfile.TemporaryDirectory(prefix="sd-stress-") as tmp:
        var_dir = Path(tmp) / "var"
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        log_path = Path(tmp) / "runstack.log"
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "manage.py", "runstack", "--port", str(port)],
                cwd=ROOT,
                env=_env(var_dir),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_ready(base, proc)
            _wait_drained(var_dir / "broker" / "queue")
            browser = Browser(base)
            browser.login()
            tickets = _ticket_ids(var_dir / "db.sqlite3")
            since = _utc_now()
            started = time.monotonic()
            n = 0
            while time.monotonic() - started < duration:
                if proc.poll() is not None:
                    result.stack_died = True
                    break
                ticket = tickets[n % len(tickets)]
                try:
                    status = browser.post(f"/tickets/{ticket}/comments/", {"body": f"stress comment {n}"})
                except OSError:
                    status = 0
                if status in (200, 302):
                    result.posted += 1
                else:
                    result.refused += 1
                n += 1
                time.sleep(max(0.0, started + n * interval - time.monotonic()))
            time.sleep(settle)
            result.stack_died = result.stack_died or proc.poll() is not None
            result.occurrences, result.by_kick, result.late, result.lost, delays = _journal(
                var_dir / "db.sqlite3", since
            )
            result.slowest = max(delays, default=0.0)
            result.median = sorted(delays)[len(delays) // 2] if delays else 0.0
            failed = var_dir / "broker" / "failed"
            result.set_aside = len(list(failed.iterdir())) if failed.exists() else 0
        finally:
            stop_started = time.monotonic()
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            result.stop_seconds = time.monotonic() - stop_started
            output = log_path.read_text(errors="replace")
            result.crashes = len(re.findall(r"^\w+ (?:exited with code|was killed by)", output, re.MULTILINE))
            result.restarts = len(re.findall(r"^\w+ restarted \(pid", output, re.MULTILINE))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=180.0)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--settle", type=float, default=15.0, help="seconds to let the worker catch up at the end")
    args = parser.parse_args()
    results = []
    for number in range(1, args.runs + 1):
        r = run_once(args.duration, args.interval, args.settle)
        results.append(r)
        print(  # noqa: T201
            f"run {number}: {r.posted} comments posted ({r.refused} refused); crashes {r.crashes}, restarts "
            f"{r.restarts}, stack died: {'yes' if r.stack_died else 'no'}; broker files set aside {r.set_aside}; "
            f"journal rows {r.occurrences}: {r.by_kick} by their kick, {r.late} later, {r.lost} lost "
            f"(delay median {r.median:.2f} s, slowest {r.slowest:.1f} s); "
            f"stopped in {r.stop_seconds:.1f} s",
            flush=True,
        )
    died = sum(r.stack_died for r in results)
    print(  # noqa: T201
        f"total: {len(results)} runs x {args.duration:.0f} s, {sum(r.posted for r in results)} comments; "
        f"runs with a crash {sum(1 for r in results if r.crashes)}, stacks that died {died}, "
        f"journal rows lost {sum(r.lost for r in results)} of {sum(r.occurrences for r in results)}, "
        f"late {sum(r.late for r in results)}; slowest stop {max(r.stop_seconds for r in results):.1f} s"
    )


if __name__ == "__main__":
    main()

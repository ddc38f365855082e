"""`make run` end to end: runstack on the embedded defaults (SQLite, filesystem broker).

Starts the real supervisor with its web server, Celery worker and beat, waits until the login
page answers and /health shows the database, the broker and both heartbeats alive, then presses
Ctrl-C and checks that every child is gone.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from servicedesk.testing.processes import child_pids, running

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 90.0
STOP_TIMEOUT = 20.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _embedded_env(var_dir: Path) -> dict[str, str]:
    # The test process itself runs on PostgreSQL and Redis (settings_test put them into
    # os.environ); the stack under test must see none of that.
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env.update(
        VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="servicedesk.settings",
        HEARTBEAT_INTERVAL="1",
        DEMO_PASSWORD="smoke-Test-pass-1",
    )
    return env


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except OSError:
        return 0, b""


def _descendants(pid: int) -> dict[int, str]:
    """Every process below ``pid`` (children in their own sessions included), with its start
    time so a recycled pid is not mistaken for a survivor."""
    parents: dict[int, int] = {}
    started: dict[int, str] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
        started[int(stat.parent.name)] = fields[19]
    found: dict[int, str] = {}
    frontier = [pid]
    while frontier:
        current = frontier.pop()
        for child, parent in parents.items():
            if parent == current and child not in found:
                found[child] = started[child]
                frontier.append(child)
    return found


def _alive(processes: dict[int, str]) -> list[int]:
    alive = []
    for pid, started in processes.items():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[19] == started and fields[0] != "Z":
            alive.append(pid)
    return alive


def _kill(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue


def _wait_until_healthy(base: str, proc: subprocess.Popen[bytes], log: Path) -> dict[str, object]:
    deadline = time.monotonic() + START_TIMEOUT
    health: dict[str, object] = {}
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"runstack exited early:\n{log.read_text()[-4000:]}"
        login_status, _body = _get(f"{base}/login/")
        status, body = _get(f"{base}/health")
        if status == 200:
            health = json.loads(body)
            parts = ("database", "broker", "worker", "scheduler")
            if login_status == 200 and all(health[p]["ok"] for p in parts):  # type: ignore[index]
                return health
        time.sleep(1)
    pytest.fail(f"not healthy within {START_TIMEOUT:.0f} s: {health}\n{log.read_text()[-4000:]}")


@pytest.mark.slow
def test_runstack_serves_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    port = _free_port()
    log = tmp_path / "runstack.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "manage.py", "runstack", "--port", str(port)],
            cwd=ROOT,
            env=_embedded_env(tmp_path / "var"),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        health = _wait_until_healthy(f"http://127.0.0.1:{port}", proc, log)
        assert health["database"]["vendor"] == "sqlite"  # type: ignore[index]
        assert health["broker"]["transport"] == "safefs"  # type: ignore[index]
        children = child_pids(proc.pid)
        assert len(children) == 5, log.read_text()[-4000:]  # web, worker, beat, idle, telegram

        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=STOP_TIMEOUT) == 0, log.read_text()[-4000:]
        deadline = time.monotonic() + 2
        while any(running(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in children if running(pid)]
        output = log.read_text()
        assert "web    | " in output and "worker | " in output and "beat   | " in output
        assert "login: operator" in output
    finally:
        # The children live in sessions of their own: killing runstack alone would leave them
        # running (and holding the port) when an assertion above fails.
        leftovers = _descendants(proc.pid)
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        _kill(_alive(leftovers))


@pytest.mark.slow
def test_runstack_stops_everything_when_a_child_crash_loops(tmp_path: Path) -> None:
    with socket.socket() as taken:
        # The web server cannot bind a port that is already in use, so it dies at every start:
        # restarted with growing pauses (1, 2, 4, 8 s), then the whole stack gives up (uvicorn exits 3).
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "manage.py", "runstack", "--port", str(port), "--no-demo"],
            cwd=ROOT,
            env=_embedded_env(tmp_path / "var"),
            capture_output=True,
            timeout=START_TIMEOUT,
        )
    output = (result.stdout + result.stderr).decode()
    assert result.returncode != 0, output[-4000:]
    for n, pause in ((1, 1), (2, 2), (3, 4), (4, 8)):
        assert f"web exited with code 3; restarting it in {pause} s (crash {n} in a row" in output
    assert "web exited with code 3: 5 crashes in a row; stopping the stack." in output
    assert "web crashed 5 times in a row, each within 60 s of starting; the other processes were stopped." in output
    assert "worker | " in output or "beat   | " in output
    leftovers = [
        line
        for line in subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout.splitlines()
        if str(tmp_path) in line
    ]
    assert not leftovers

"""runstack keeps the embedded stack alive and stops it cleanly (issue 9, section 7), with real
processes and real signals: a child killed with SIGKILL is restarted and the stack keeps
serving; SIGTERM twice, or to the whole process group of `make run`, ends everything within
ten seconds with no process left and the port free."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.test_make_run_smoke import (
    ROOT,
    _alive,
    _descendants,
    _embedded_env,
    _free_port,
    _get,
    _kill,
    _wait_until_healthy,
)

pytestmark = pytest.mark.slow

SHUTDOWN_LIMIT = 10.0
RESTART_TIMEOUT = 60.0


def _child_pid(runstack: int, marker: str) -> int:
    for pid in _descendants(runstack):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if marker in cmdline:
            return pid
    raise AssertionError(f"no child running {marker!r}")


def _wait_for_heartbeat_after(base: str, moment: datetime) -> None:
    deadline = time.monotonic() + RESTART_TIMEOUT
    while time.monotonic() < deadline:
        status, body = _get(f"{base}/health")
        seen = json.loads(body)["worker"]["last_seen"] if status == 200 else None
        if seen and datetime.fromisoformat(seen) > moment:
            return
        time.sleep(0.5)
    raise AssertionError(f"no worker heartbeat after {moment.isoformat()}")


def _port_is_free(port: int) -> bool:
    """Whether a new server can listen on the port (as servers do, with SO_REUSEADDR, so the
    TIME_WAIT connections of the test's own requests do not count)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
            sock.listen()
        except OSError:
            return False
    return True


def _wait_for(log: Path, pattern: str, timeout: float = RESTART_TIMEOUT) -> re.Match[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.search(pattern, log.read_text(errors="replace"))
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{pattern!r} not in the log within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def _wait_stopped(proc: subprocess.Popen[bytes], processes: dict[int, str]) -> float:
    started = time.monotonic()
    proc.wait(timeout=SHUTDOWN_LIMIT + 5)
    while _alive(processes) and time.monotonic() - started < SHUTDOWN_LIMIT + 5:
        time.sleep(0.05)
    return time.monotonic() - started


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
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
        _wait_until_healthy(f"http://127.0.0.1:{port}", proc, log)
        yield proc, port, log
    finally:
        leftovers = _descendants(proc.pid)
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        _kill(_alive(leftovers))


def test_killed_children_are_restarted_and_sigterm_twice_stops_once(stack) -> None:
    proc, port, log = stack
    base = f"http://127.0.0.1:{port}"

    worker = _child_pid(proc.pid, "celery -A servicedesk worker")
    os.kill(worker, signal.SIGKILL)
    _wait_for(log, r"worker was killed by signal SIGKILL; restarting it in 1 s")
    _wait_for(log, r"worker restarted \(pid \d+\)")
    restarted_at = datetime.now(UTC)
    assert _child_pid(proc.pid, "celery -A servicedesk worker") != worker
    # The new worker runs tasks: a heartbeat (a beat-scheduled task) newer than the restart.
    _wait_for_heartbeat_after(base, restarted_at)

    web = _child_pid(proc.pid, "uvicorn")
    os.kill(web, signal.SIGKILL)
    _wait_for(log, r"web restarted \(pid \d+\)")
    deadline = time.monotonic() + RESTART_TIMEOUT
    while _get(f"{base}/login/")[0] != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _get(f"{base}/login/")[0] == 200
    assert proc.poll() is None

    processes = _descendants(proc.pid)
    assert len(processes) >= 4
    proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)  # the second arrives while the first is being handled, as from make
    proc.send_signal(signal.SIGTERM)
    elapsed = _wait_stopped(proc, processes)

    assert proc.returncode == 0, log.read_text()[-3000:]
    assert elapsed < SHUTDOWN_LIMIT
    assert _alive(processes) == []
    assert _port_is_free(port)
    output = log.read_text()
    assert "2 stop signals received; stopped once." in output
    assert output.count("All processes stopped.") == 1


def test_sigterm_to_the_process_group_of_make_run(tmp_path: Path) -> None:
    """`make run` in a session of its own, then SIGTERM to the whole group: make and runstack
    both get it, and make passes one more to runstack."""
    port = _free_port()
    log = tmp_path / "make-run.log"
    env = {**_embedded_env(tmp_path / "var"), "PORT": str(port)}
    env.pop("MAKEFLAGS", None)
    with log.open("wb") as out:
        make = subprocess.Popen(
            ["make", "--no-print-directory", "run"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_healthy(f"http://127.0.0.1:{port}", make, log)
        processes = _descendants(make.pid)
        assert len(processes) >= 6  # runstack and its five children
        os.killpg(make.pid, signal.SIGTERM)
        elapsed = _wait_stopped(make, processes)
        assert elapsed < SHUTDOWN_LIMIT, log.read_text()[-3000:]
        assert _alive(processes) == []
        assert _port_is_free(port)
        assert "All processes stopped." in log.read_text()
    finally:
        leftovers = _descendants(make.pid)
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
            make.wait(timeout=10)
        _kill(_alive(leftovers))


def test_sigkill_of_runstack_takes_its_children_along(stack) -> None:
    """SIGKILL cannot be caught: the kernel stops the children instead (PR_SET_PDEATHSIG), so no
    web server keeps the port and no worker keeps taking tasks after the supervisor is gone."""
    proc, port, _log = stack
    processes = _descendants(proc.pid)
    assert len(processes) >= 4
    proc.kill()
    proc.wait(timeout=5)
    try:
        deadline = time.monotonic() + SHUTDOWN_LIMIT + 5
        while _alive(processes) and time.monotonic() < deadline:
            time.sleep(0.1)
        survivors = {pid: Path(f"/proc/{pid}/cmdline").read_bytes() for pid in _alive(processes)}
        assert survivors == {}
        assert _port_is_free(port)
    finally:
        _kill(_alive(processes))  # orphans are no longer below runstack, where the fixture looks

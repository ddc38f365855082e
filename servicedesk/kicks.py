"""Kicks: the broker message that tells a worker "there are rows for you", published after commit.

A kick carries nothing that is not already a committed row (outbox messages, notification
journal rows, calls, import jobs), and every such row has a beat sweeper that takes it up when its
kick was lost. So publishing a kick may fail, and must not matter to the caller: `kick_on_commit`
never raises. While the broker is down the failure is logged once (a warning when the first kick
fails, an info line when one gets through again), not once per change.

Kicks are coalesced. In a transaction, the kicks of one task are merged into one message with all
their ids. Outside the eager mode of the tests, a publisher thread sends a kick at once when it is
idle, and then at most one message per task per KICK_DEBOUNCE_SECONDS with everything that gathered
meanwhile: a loop of 5,000 `send_mail` calls (each its own transaction) costs a few dozen broker
messages, not 5,000 (on the filesystem broker a message is a file, and a worker polls for each). A process that exits publishes what is pending (atexit); one killed meanwhile leaves
it to the sweepers.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction

log = logging.getLogger(__name__)

# Ids per broker message; a bigger backlog is split so one message stays small.
CHUNK = 1000
# Task name -> ids (None: "everything due") waiting for the publisher thread.
_pending: dict[str, set[int] | None] = {}
_tasks: dict[str, Any] = {}
_lock = threading.Lock()
_wake = threading.Event()
_state = {"failing": False, "pid": 0}
_thread: threading.Thread | None = None
_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def kick_on_commit(task: Any, ids: Iterable[int] | None = None) -> None:
    """Publish `task(ids)` once the current transaction commits (at once outside one).

    `task` is a Celery task taking one optional list of ids (None: "whatever is due"). Kicks of
    the same task in one transaction, and (outside eager mode) within the debounce window, become
    one message. Never raises; a rolled-back transaction (or savepoint) drops its kick with it.
    """
    wanted = None if ids is None else set(ids)
    transaction.on_commit(lambda: _after_commit(task, wanted))


def _after_commit(task: Any, ids: set[int] | None) -> None:
    if getattr(task.app.conf, "task_always_eager", False):
        # Tests: run now, in this thread, as `.delay()` did; a failing task is the test's business.
        task.apply_async((sorted(ids),) if ids is not None else ())
        return
    with _lock:
        _tasks[task.name] = task
        if ids is None or (task.name in _pending and _pending[task.name] is None):
            _pending[task.name] = None  # "everything due" covers any ids
        else:
            merged = _pending.setdefault(task.name, set())
            if merged is not None:
                merged.update(ids)
        _ensure_thread()
    _wake.set()


# Held while a batch is being published, so that exit waits for the publisher thread's batch
# instead of killing it mid-write (its ids are no longer in _pending, and would be left to the
# sweeper with a half-written message file behind).
_publishing = threading.Lock()


def flush() -> None:
    """Publish everything pending now, in this thread (at exit, and from tests)."""
    with _publishing:
        _flush()


def _flush() -> None:
    with _lock:
        batch = dict(_pending)
        _pending.clear()
    for name, ids in batch.items():
        task = _tasks[name]
        if ids is None:
            _publish(task, None)
            continue
        ordered = sorted(ids)
        for start in range(0, len(ordered), CHUNK):
            _publish(task, ordered[start : start + CHUNK])


def _ensure_thread() -> None:
    """Start the publisher thread (again after a fork: threads do not survive one). Holds _lock."""
    global _thread
    if _thread is not None and _state["pid"] == os.getpid() and _thread.is_alive():
        return
    _state["pid"] = os.getpid()
    _thread = threading.Thread(target=_run, name="kick-publisher", daemon=True)
    _thread.start()


def _run() -> None:
    # Leading edge, then a throttle: a lone kick goes at once (an acknowledgement is not delayed),
    # and during a burst the kicks of each interval go out together as one message per task.
    while True:
        _wake.wait()
        _wake.clear()
        flush()
        time.sleep(float(settings.KICK_DEBOUNCE_SECONDS))


def _publish(task: Any, ids: list[int] | None) -> None:
    try:
        # One quick reconnect (a broker restarted since the pooled connection was made), no more:
        # a kick waiting for a dead broker would only hold up the kicks behind it.
        task.apply_async((ids,) if ids is not None else (), retry=True, retry_policy=_RETRY)
    except Exception as exc:  # the broker's failure is data (rows wait for the sweeper), not an error
        if not _state["failing"]:
            _state["failing"] = True
            log.warning("broker unavailable, %s kicks wait for the sweeper: %s", task.name, exc)
        return
    if _state["failing"]:
        _state["failing"] = False
        log.info("broker reachable again (%s)", task.name)


def _flush_at_exit() -> None:
    # Bounded: a publisher stuck on a dead broker must not hold up the process's exit for long.
    if _publishing.acquire(timeout=5):
        try:
            _flush()
        finally:
            _publishing.release()


atexit.register(_flush_at_exit)

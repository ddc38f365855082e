"""The embedded broker (servicedesk/broker.py, issue 9 section 7): many publishers in separate
processes and a consumer reading at the same time lose nothing and never crash; a file caught
half-written or damaged is set aside, not fatal; a fresh checkout's commands create its folders."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from queue import Empty

import pytest
from kombu import Connection
from kombu.transport import filesystem

from servicedesk import broker

ROOT = Path(__file__).resolve().parents[2]


def _options(folder: Path) -> dict[str, object]:
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "failed_folder": str(folder / "failed"),
        "control_folder": str(folder / "control"),
        "polling_interval": 0.01,
    }


def _connection(folder: Path, url: str = "safefs://") -> Connection:
    for sub in ("queue", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return Connection(url, transport_options=_options(folder))


def test_safefs_alias_is_the_safe_transport(tmp_path: Path) -> None:
    with _connection(tmp_path) as conn:
        assert isinstance(conn.transport, broker.Transport)
        channel = conn.default_channel
        channel._put("jobs", {"body": "one"})
        queue = tmp_path / "queue"
        assert [p.name.partition(".")[2] for p in queue.iterdir()] == ["jobs.msg"]  # no temporary left
        assert channel._get("jobs") == {"body": "one"}
        assert not list(queue.iterdir()) and not list((tmp_path / "processed").iterdir())


@pytest.mark.parametrize("content", [b"", b'{"body": "half', b"\x00\x00garbage"])
def test_unreadable_message_file_is_set_aside_and_the_next_one_delivered(tmp_path: Path, content: bytes) -> None:
    """What kombu's own publisher leaves for a moment (an empty or half-written file) or a full
    disk leaves for good: kombu's consumer raises and the Celery worker dies; ours logs it and
    goes on with the next message."""
    with _connection(tmp_path) as conn:
        channel = conn.default_channel
        (tmp_path / "queue" / "0_broken.jobs.msg").write_bytes(content)  # sorts before any real name
        channel._put("jobs", {"body": "next"})
        assert channel._get("jobs") == {"body": "next"}
        assert [p.read_bytes() for p in (tmp_path / "failed").iterdir()] == [content]
        with pytest.raises(Empty):
            channel._get("jobs")


def test_kombu_own_consumer_dies_on_the_same_file(tmp_path: Path) -> None:
    """The failure this transport exists for (keeps the test above honest)."""
    with _connection(tmp_path, "filesystem://") as conn:
        assert type(conn.transport) is filesystem.Transport
        (tmp_path / "queue" / "0_broken.jobs.msg").write_bytes(b"")
        with pytest.raises(ValueError):
            conn.default_channel._get("jobs")


def test_a_damaged_exchange_table_reads_as_no_bindings(tmp_path: Path) -> None:
    with _connection(tmp_path) as conn:
        (tmp_path / "control" / "fan.exchange").write_bytes(b"")
        assert conn.default_channel.get_table("fan") == []


PUBLISHER = textwrap.dedent(
    """
    import json, sys, time
    from kombu import Connection
    import servicedesk.broker  # registers safefs://
    url, options, worker, count = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    with Connection(url, transport_options=options) as conn:
        channel = conn.default_channel
        for n in range(count):
            # Up to 1.2 MB, so a write takes long enough to be caught; paced like real kicks.
            channel._put("race", {"id": f"{worker}-{n}", "pad": "x" * (n % 5 * 300000)})
            time.sleep(0.002)
    """
)


def _race(folder: Path, url: str, publishers: int = 2, per_publisher: int = 300) -> tuple[set[str], int]:
    """Publisher processes against one consumer polling as a worker on an almost empty queue
    does (the moment kombu's transport loses messages); (ids received, decode errors)."""
    options = _options(folder)
    for sub in ("queue", "processed", "control"):
        (folder / sub).mkdir(parents=True)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", PUBLISHER, url, json.dumps(options), str(n), str(per_publisher)],
            cwd=ROOT,
            stderr=subprocess.PIPE,
        )
        for n in range(publishers)
    ]
    seen: set[str] = set()
    errors = 0
    with Connection(url, transport_options=options) as conn:
        channel = conn.default_channel
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (len(seen) < publishers * per_publisher):
            try:
                seen.add(channel._get("race")["id"])
            except Empty:
                if all(p.poll() is not None for p in procs) and not list((folder / "queue").glob("*.msg")):
                    break
            except ValueError:
                errors += 1
    failures = [p.communicate(timeout=60)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0] * publishers, failures
    return seen, errors


@pytest.mark.slow
def test_publishers_and_a_polling_consumer_lose_nothing(tmp_path: Path) -> None:
    seen, errors = _race(tmp_path, "safefs://")
    assert errors == 0 and len(seen) == 600
    assert not (tmp_path / "failed").exists()
    assert not list((tmp_path / "queue").iterdir())  # nothing left behind, no temporary files


@pytest.mark.slow
def test_the_same_race_breaks_kombu_own_transport(tmp_path: Path) -> None:
    """The harness above does catch the race: kombu's transport loses messages to it."""
    seen, errors = _race(tmp_path, "filesystem://")
    assert errors > 0 and len(seen) < 600


@pytest.mark.slow
def test_fresh_checkout_commands_publish_without_runstack(tmp_path: Path) -> None:
    """mail_fetch --once and send_mail from a shell used to fail with FileNotFoundError
    .../var/broker/queue until runstack had created the folders."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env.update(VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="servicedesk.settings")
    manage = [sys.executable, "manage.py"]
    run = {"cwd": ROOT, "env": env, "capture_output": True, "timeout": 300}
    migrate = subprocess.run([*manage, "migrate", "--verbosity", "0"], **run)  # type: ignore[call-overload]
    assert migrate.returncode == 0, migrate.stderr.decode()[-3000:]
    shutil.rmtree(tmp_path / "var" / "broker")  # as on a checkout where only the database was prepared
    code = "from django.core.mail import send_mail; send_mail('Hi', 'Body', 'a@x.test', ['b@x.test'])"
    sent = subprocess.run([*manage, "shell", "-c", code], **run)  # type: ignore[call-overload]
    assert sent.returncode == 0, sent.stderr.decode()[-3000:]
    kicks = list((tmp_path / "var" / "broker" / "queue").glob("*.msg"))
    assert len(kicks) == 1 and b"mailconf.deliver_outbox" in kicks[0].read_bytes()
    fetched = subprocess.run([*manage, "mail_fetch", "--once"], **run)  # type: ignore[call-overload]
    assert fetched.returncode == 0, fetched.stderr.decode()[-3000:]

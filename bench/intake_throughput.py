"""Incoming mail throughput: mixed mail from a private Dovecot into tickets in PostgreSQL.

    .venv/bin/python bench/intake_throughput.py [--messages 5000] [--big-mb 24]

Builds a fresh database ``servicedesk_bench_intake`` (dropped and re-created; nothing else is
touched), starts a private Dovecot with the test harness, delivers a mix of plain, 8-bit
windows-1251, koi8-r quoted-printable, HTML with an inline image, 60 KB attachments and replies,
and times `manage.py mail_fetch --once` with one worker process (one mailbox) and with two worker
processes (the same mail split over two mailboxes, because one connection is read by one worker
at a time). Then measures the peak RSS of a worker reading one message of ``--big-mb`` MB.
Targets: 300 msg/s with one worker, 500 msg/s with two.
"""

from __future__ import annotations

import argparse
import os
import quopri
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "servicedesk_bench_intake"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
BODY_RU = "Добрый день! Не работает принтер в бухгалтерии, при печати выдаёт ошибку замятия бумаги. " * 4


def build_env(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
            "VAR_DIR": str(work / "var"),
            "MEDIA_ROOT": str(work / "media"),
            # Side effects (notification fan-out) are queued, not run: a private filesystem broker keeps
            # the bench away from the shared Redis while still paying the cost of enqueueing.
            "CELERY_BROKER_URL": "filesystem://",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "LOG_LEVEL": "WARNING",
        }
    )
    env.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
    for sub in ("queue", "processed"):
        (work / "var" / "broker" / sub).mkdir(parents=True, exist_ok=True)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def manage(env: dict[str, str], *args: str, capture: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        check=True,
        text=True,
        capture_output=capture,
        timeout=1800,
    )


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


# --- the mail mix ------------------------------------------------------------------------------


def plain(n: int) -> bytes:
    msg = EmailMessage()
    _head(msg, n, f"Plain request {n}")
    msg.set_content(f"Request number {n}.\nThe VPN drops every ten minutes.\n")
    return msg.as_bytes()


def cp1251_8bit(n: int) -> bytes:
    head = _raw_head(n, "=?windows-1251?B?" + _b64(f"Заявка на ремонт {n}", "cp1251") + "?=")
    return (
        head
        + b"Content-Type: text/plain; charset=windows-1251\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + BODY_RU.encode("cp1251")
        + b"\r\n"
    )


def koi8r_qp(n: int) -> bytes:
    body = quopri.encodestring(BODY_RU.encode("koi8-r"))
    head = _raw_head(n, "=?koi8-r?Q?" + _qp_word("Сломался ноутбук", "koi8-r") + f"_{n}?=")
    return (
        head
        + b"Content-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        + body
        + b"\r\n"
    )


def html_inline(n: int) -> bytes:
    msg = EmailMessage()
    _head(msg, n, f"Screenshot of the error {n}")
    msg.set_content("See the screenshot.")
    msg.add_alternative('<p>See the <b>screenshot</b>:</p><img src="cid:shot@bench">', subtype="html")
    msg.get_payload()[1].add_related(PNG, "image", "png", cid="<shot@bench>", filename="shot.png")
    return msg.as_bytes()


def attachment(n: int) -> bytes:
    msg = EmailMessage()
    _head(msg, n, f"Log files {n}")
    msg.set_content("Logs attached.")
    msg.add_attachment(
        random.Random(n).randbytes(60 * 1024), maintype="application", subtype="octet-stream", filename=f"log-{n}.bin"
    )
    return msg.as_bytes()


def reply(n: int, parent: int) -> bytes:
    msg = EmailMessage()
    _head(msg, n, f"Re: Plain request {parent}")
    msg["In-Reply-To"] = f"<bench-{parent}@client.example>"
    msg["References"] = f"<bench-{parent}@client.example>"
    msg.set_content(f"Any news?\n\nOn Monday you wrote:\n> Request number {parent}.\n")
    return msg.as_bytes()


def _head(msg: EmailMessage, n: int, subject: str) -> None:
    msg["From"] = f"User {n % 400} <user{n % 400}@client.example>"
    msg["To"] = "support@example.test"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<bench-{n}@client.example>"
    msg["Date"] = "Sun, 22 Nov 2026 08:00:00 +0300"


def _raw_head(n: int, subject: str) -> bytes:
    return (
        f"From: user{n % 400}@client.example\r\nTo: support@example.test\r\nSubject: {subject}\r\n"
        f"Message-ID: <bench-{n}@client.example>\r\nDate: Sun, 22 Nov 2026 08:00:00 +0300\r\n"
        "MIME-Version: 1.0\r\n"
    ).encode("ascii")


def _b64(text: str, charset: str) -> str:
    import base64

    return base64.b64encode(text.encode(charset)).decode("ascii")


def _qp_word(text: str, charset: str) -> str:
    return "".join(f"={b:02X}" if b > 127 or b in (61, 63, 95, 32) else chr(b) for b in text.encode(charset))


def mix(count: int) -> list[bytes]:
    """Plain 25 %, cp1251 15 %, koi8-r 15 %, HTML+inline 15 %, 60 KB attachment 10 %, replies 20 %."""
    builders = [plain] * 5 + [cp1251_8bit] * 3 + [koi8r_qp] * 3 + [html_inline] * 3 + [attachment] * 2
    out: list[bytes] = []
    plain_ids: list[int] = []
    for n in range(count):
        if n % 5 == 4 and plain_ids:
            out.append(reply(n, plain_ids[(n * 7) % len(plain_ids)]))
            continue
        builder = builders[n % len(builders)]
        if builder is plain:
            plain_ids.append(n)
        out.append(builder(n))
    return out


# --- runs --------------------------------------------------------------------------------------


def setup_connections(env: dict[str, str], dovecot: object, logins: list[str]) -> None:
    code = (
        "from mailconf.models import IncomingConnection\n"
        "IncomingConnection.objects.all().delete()\n"
        f"for login, password in {[(login, dovecot.users[login]) for login in logins]!r}:\n"
        f"    c = IncomingConnection(name=login, protocol='imap', host={dovecot.host!r}, port={dovecot.imap_port},\n"
        "        encryption='none', login=login, interval=3600)\n"
        "    c.password = password\n"
        "    c.save()\n"
    )
    manage(env, "shell", "-c", code)


def reset_data(env: dict[str, str]) -> None:
    code = (
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('TRUNCATE mailconf_processedmessage, servicedesk_ticket, servicedesk_contact CASCADE')\n"
    )
    manage(env, "shell", "-c", code)


def run_workers(env: dict[str, str], names: list[str]) -> tuple[float, list[str]]:
    started = time.monotonic()
    procs = [
        subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "mail_fetch", name, "--once"],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    outputs = [p.communicate(timeout=1800)[0].strip() for p in procs]
    return time.monotonic() - started, outputs


def peak_rss_for_big_message(env: dict[str, str], dovecot: object, size_mb: int) -> tuple[float, str]:
    dovecot.reset_user("support")
    msg = EmailMessage()
    _head(msg, 10**6, "Huge scan")
    msg.set_content("A big scan attached.")
    # base64 grows the attachment by a third: size the file so the whole message is about size_mb.
    msg.add_attachment(
        random.Random(1).randbytes(size_mb * 1024 * 1024 * 73 // 100),
        maintype="application",
        subtype="pdf",
        filename="scan.pdf",
    )
    raw = msg.as_bytes()
    dovecot.deliver("support", raw)
    code = (
        "import json, resource\n"
        "from mailconf.inbound import poll_connection\n"
        "from mailconf.models import IncomingConnection\n"
        "counts = poll_connection(IncomingConnection.objects.get(name='support').pk)\n"
        "print(json.dumps({'counts': counts.as_dict(),"
        " 'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n"
    )
    out = manage(env, "shell", "-c", code, capture=True).stdout.strip().splitlines()[-1]
    return len(raw) / 1024 / 1024, out


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # progress shows up when redirected to a file
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--big-mb", type=int, default=24)
    args = parser.parse_args()

    from servicedesk.testing.mailservers import start_dovecot

    work = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    env = build_env(work)
    recreate_database()
    manage(env, "migrate", "--verbosity", "0")
    work.chmod(0o755)  # Dovecot's unprivileged processes must reach their directory
    (work / "dovecot").mkdir()
    dovecot = start_dovecot(root=work / "dovecot", oauth=False)
    try:
        messages = mix(args.messages)
        total_mb = sum(map(len, messages)) / 1024 / 1024
        print(f"{len(messages)} messages, {total_mb:.1f} MB; Dovecot on {dovecot.host}:{dovecot.imap_port}")
        setup_connections(env, dovecot, ["support", "helpdesk"])
        for workers, names in ((1, ["support"]), (2, ["support", "helpdesk"])):
            reset_data(env)
            for user in names:
                dovecot.reset_user(user)
            for i, raw in enumerate(messages):
                dovecot.deliver(names[i % len(names)], raw)
            elapsed, outputs = run_workers(env, names)
            rate = len(messages) / elapsed
            target = 300 if workers == 1 else 500
            print(f"{workers} worker(s): {elapsed:.1f} s, {rate:.0f} msg/s (target {target}); {' | '.join(outputs)}")
        size, out = peak_rss_for_big_message(env, dovecot, args.big_mb)
        print(f"one {size:.1f} MB message: {out}")
        print(f"bench process children max RSS: {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB")
    finally:
        dovecot.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

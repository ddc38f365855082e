"""Incoming mail side by side: our `mail_fetch --once` against django-helpdesk 2.6.1's `get_email`.

    .venv/bin/python bench/intake_vs_django_helpdesk.py [--messages 2000] [--rounds 2]

Both sides read the same mixed mail (bench/intake_throughput.py's `mix()`) from the same private
Dovecot over IMAP with implicit TLS (the imaps port) into a SQLite file of their own, each through
its stock management command in a process of its own, timed wall-clock (so both pay their Django
start-up). django-helpdesk runs in a separate virtualenv cached under
``var/bench/django-helpdesk-venv`` (created from bench/django_helpdesk_requirements.txt on first
use) with a minimal project written into a temporary folder. Rounds alternate (ours, theirs, ours,
theirs ...) on databases copied from a migrated template, with the mailbox refilled before each
run, so machine noise shows in the figures. Target (issue 9): ours at least 10x theirs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from intake_throughput import mix  # noqa: E402

REQUIREMENTS = ROOT / "bench" / "django_helpdesk_requirements.txt"
HELPDESK_VENV = ROOT / "var" / "bench" / "django-helpdesk-venv"
MAILBOX = "support"
TARGET_RATIO = 10.0

# A minimal project for django-helpdesk: the apps its install docs list, SQLite, and the rest
# left at Django's and django-helpdesk's defaults. Teams mode needs pinax-teams (the "teams"
# extra, not installed), so it is switched off as its settings module says. Replies to the sender
# are rendered and "sent" through Django's dummy backend: the bench has no SMTP sink, and our side
# only queues its notifications too.
HELPDESK_SETTINGS = """
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "bench-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.sites",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "helpdesk",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "hdproject.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SITE_ID = 1
USE_TZ = True
STATIC_URL = "/static/"
MEDIA_ROOT = BASE_DIR / "media"
LOGIN_URL = "/login/"
DEFAULT_FROM_EMAIL = "support@example.test"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
HELPDESK_TEAMS_MODE_ENABLED = False
"""

HELPDESK_URLS = """
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("helpdesk.urls", namespace="helpdesk")),
]
"""

HELPDESK_MANAGE = """
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdproject.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""


@dataclass
class Side:
    """One contender: how to run its command, where its database lives and how to count results."""

    name: str
    command: list[str]
    env: dict[str, str]
    database: Path
    template: Path
    count_sql: dict[str, str]
    # The checkout (or project folder) the command runs in: the current directory ends up first on
    # the command's sys.path (seen with `manage.py shell`), so a --baseline run started from this
    # checkout would import this checkout's code.
    cwd: Path

    def fresh_database(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.database}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.template, self.database)

    def run(self) -> tuple[float, str]:
        started = time.monotonic()
        done = subprocess.run(self.command, env=self.env, capture_output=True, text=True, timeout=3600, cwd=self.cwd)
        elapsed = time.monotonic() - started
        if done.returncode != 0:
            raise RuntimeError(f"{self.name} failed ({done.returncode}):\n{done.stdout}\n{done.stderr[-4000:]}")
        return elapsed, done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""

    def counts(self) -> dict[str, int]:
        with sqlite3.connect(self.database) as conn:
            return {key: conn.execute(sql).fetchone()[0] for key, sql in self.count_sql.items()}


# --- the django-helpdesk virtualenv and project ----------------------------------------------------


def helpdesk_python() -> Path:
    """The cached virtualenv's interpreter, (re)built when the pinned requirements changed."""
    python = HELPDESK_VENV / "bin" / "python"
    stamp = HELPDESK_VENV / ".requirements-sha256"
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    shutil.rmtree(HELPDESK_VENV, ignore_errors=True)
    HELPDESK_VENV.parent.mkdir(parents=True, exist_ok=True)
    print(f"creating {HELPDESK_VENV} from {REQUIREMENTS.name} ...")
    subprocess.run([sys.executable, "-m", "venv", str(HELPDESK_VENV)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "-r", str(REQUIREMENTS)], check=True, timeout=1800
    )
    stamp.write_text(wanted)
    return python


def write_helpdesk_project(folder: Path) -> None:
    (folder / "hdproject").mkdir(parents=True)
    (folder / "hdproject" / "__init__.py").write_text("")
    (folder / "hdproject" / "settings.py").write_text(HELPDESK_SETTINGS)
    (folder / "hdproject" / "urls.py").write_text(HELPDESK_URLS)
    (folder / "manage.py").write_text(HELPDESK_MANAGE)


def helpdesk_side(work: Path, dovecot: object) -> Side:
    python = helpdesk_python()
    folder = work / "helpdesk"
    write_helpdesk_project(folder)
    env = _clean_env()
    # imaplib's IMAP4_SSL builds its context without verification on Python 3.11, so this changes
    # nothing there; on an interpreter whose default context verifies, it makes the harness
    # certificate trusted instead of failing.
    env["SSL_CERT_FILE"] = str(dovecot.cert_path)
    manage = [str(python), str(folder / "manage.py")]
    subprocess.run([*manage, "migrate", "--verbosity", "0"], env=env, check=True, cwd=folder, timeout=600)
    queue = (
        "from helpdesk.models import Queue\n"
        "Queue.objects.create(title='Support', slug='support', email_address='support@example.test',\n"
        "    allow_email_submission=True, email_box_type='imap', email_box_ssl=True,\n"
        f"    email_box_host={dovecot.host!r}, email_box_port={dovecot.imaps_port},\n"
        f"    email_box_user={MAILBOX!r}, email_box_pass={dovecot.users[MAILBOX]!r},\n"
        "    email_box_imap_folder='INBOX', email_box_interval=0)\n"
    )
    subprocess.run([*manage, "shell", "-c", queue], env=env, check=True, cwd=folder, timeout=600, capture_output=True)
    database = folder / "db.sqlite3"
    return Side(
        name="django-helpdesk",
        command=[*manage, "get_email", "--quiet"],
        env=env,
        database=database,
        template=_template_copy(database),
        count_sql={
            "tickets": "SELECT count(*) FROM helpdesk_ticket",
            "followups": "SELECT count(*) FROM helpdesk_followup",
        },
        cwd=folder,
    )


# --- our side --------------------------------------------------------------------------------------


def our_side(work: Path, dovecot: object, root: Path = ROOT, name: str = "ours") -> Side:
    """`root` may be another checkout of this project (`--baseline`): the code before a change."""
    folder = work / name
    database = folder / "db.sqlite3"
    env = _clean_env()
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
            "DATABASE_URL": f"sqlite:///{database}",
            "VAR_DIR": str(folder / "var"),
            "MEDIA_ROOT": str(folder / "media"),
            "MAIL_CA_FILE": str(dovecot.cert_path),
            # As bench/intake_throughput.py: side effects are queued on a private filesystem
            # broker (paid for, not run) and the shared Redis is left alone.
            "CELERY_BROKER_URL": "filesystem://",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "REDIS_URL": "",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(root),
        }
    )
    for sub in ("queue", "processed"):
        (folder / "var" / "broker" / sub).mkdir(parents=True, exist_ok=True)
    manage = [sys.executable, str(root / "manage.py")]
    subprocess.run([*manage, "migrate", "--verbosity", "0"], env=env, check=True, timeout=600, cwd=root)
    connection = (
        "from mailconf.models import IncomingConnection\n"
        f"c = IncomingConnection(name={MAILBOX!r}, protocol='imap', host={dovecot.host!r},\n"
        f"    port={dovecot.imaps_port}, encryption='ssl', login={MAILBOX!r}, interval=3600)\n"
        f"c.password = {dovecot.users[MAILBOX]!r}\n"
        "c.save()\n"
    )
    subprocess.run(
        [*manage, "shell", "-c", connection], env=env, check=True, timeout=600, capture_output=True, cwd=root
    )
    return Side(
        name=name,
        command=[*manage, "mail_fetch", MAILBOX, "--once"],
        env=env,
        database=database,
        template=_template_copy(database),
        count_sql={
            "tickets": "SELECT count(*) FROM servicedesk_ticket",
            "comments": "SELECT count(*) FROM servicedesk_comment",
            "ledger": "SELECT count(*) FROM mailconf_processedmessage",
        },
        cwd=root,
    )


# --- helpers ---------------------------------------------------------------------------------------


def _clean_env() -> dict[str, str]:
    """The caller's environment less what would point either side at another database or project."""
    env = dict(os.environ)
    # PYTHONDONTWRITEBYTECODE too: pip compiled django-helpdesk when installing it, and a deployed
    # project has its bytecode cached as well; without it our side would compile ~300 modules per run.
    for key in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "PYTHONPATH", "VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE"):
        env.pop(key, None)
    return env


def _template_copy(database: Path) -> Path:
    """Fold the WAL into the file and keep a copy: every run starts from this migrated database."""
    with sqlite3.connect(database) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    template = database.with_name("template.sqlite3")
    shutil.copyfile(database, template)
    return template


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()


def fill_mailbox(dovecot: object, messages: list[bytes]) -> None:
    dovecot.reset_user(MAILBOX)
    for raw in messages:
        dovecot.deliver(MAILBOX, raw)


def start_up_seconds(side: Side, dovecot: object, runs: int) -> float:
    """Wall-clock of the command on an empty mailbox: start-up, login and one empty poll."""
    times = []
    for _ in range(runs):
        side.fresh_database()
        dovecot.reset_user(MAILBOX)
        times.append(side.run()[0])
    return min(times)


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--baseline",
        type=Path,
        help="Another checkout of this project (e.g. `git archive main | tar -x -C DIR`), run as a third side.",
    )
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder (databases, projects).")
    args = parser.parse_args()

    from servicedesk.testing.mailservers import start_dovecot

    work = Path(tempfile.mkdtemp(prefix="bench-vs-helpdesk-"))
    work.chmod(0o755)  # Dovecot's unprivileged processes must reach their directory
    (work / "dovecot").mkdir()
    dovecot = start_dovecot(root=work / "dovecot", oauth=False)
    try:
        sides = [our_side(work, dovecot)]
        if args.baseline:
            sides.append(our_side(work, dovecot, root=args.baseline.resolve(), name="ours-baseline"))
        sides.append(helpdesk_side(work, dovecot))
        messages = mix(args.messages)
        total_mb = sum(map(len, messages)) / 1024 / 1024
        print(f"{len(messages)} messages, {total_mb:.1f} MB; Dovecot imaps on {dovecot.host}:{dovecot.imaps_port}")
        start_up = {side.name: start_up_seconds(side, dovecot, runs=3) for side in sides}
        print("start-up (empty mailbox, best of 3): " + ", ".join(f"{k} {v:.2f} s" for k, v in start_up.items()))
        for round_no in range(1, args.rounds + 1):
            rates: dict[str, float] = {}
            net_rates: dict[str, float] = {}
            for side in sides:
                side.fresh_database()
                fill_mailbox(dovecot, messages)
                load = _uptime().split("load average:")[-1].strip()
                elapsed, output = side.run()
                counts = side.counts()
                rates[side.name] = len(messages) / elapsed
                net = elapsed - start_up[side.name]
                net_rates[side.name] = len(messages) / net if net > 0 else float("nan")
                print(
                    f"round {round_no} {side.name:>15}: {elapsed:6.1f} s, {rates[side.name]:6.1f} msg/s"
                    f" ({net_rates[side.name]:6.1f} without start-up); counts {json.dumps(counts)};"
                    f" load before {load}; {output}"
                )
            for ours in [side.name for side in sides if side.name != "django-helpdesk"]:
                ratio = rates[ours] / rates["django-helpdesk"]
                net_ratio = net_rates[ours] / net_rates["django-helpdesk"]
                verdict = "met" if ratio >= TARGET_RATIO else "NOT met"
                print(
                    f"round {round_no} ratio {ours}/theirs: {ratio:.1f}x wall-clock, {net_ratio:.1f}x without"
                    f" start-up (target {TARGET_RATIO:.0f}x: {verdict})"
                )
            print(f"round {round_no} done; {_uptime()}")
    finally:
        dovecot.stop()
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Server-side render time of the ticket list and the ticket card on 100,000 tickets.

Run from the checkout:  .venv/bin/python bench/ticket_pages.py  (see bench/README.md).

Creates and migrates its own PostgreSQL database (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/servicedesk_bench), loads the demo data, bulk-inserts tickets
up to --tickets, then renders each page in-process through Django's test client as the demo
operator and prints median / p95 milliseconds and the number of SQL queries per request.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/servicedesk_bench"
TARGET_MS = 150.0


def _configure_environment() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = "servicedesk.settings"
    # Templates need no collected manifest; demo notifications run in-process and go nowhere.
    os.environ.setdefault("STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    os.environ.setdefault("LOG_LEVEL", "WARNING")


def _ensure_database(url: str) -> None:
    """CREATE DATABASE when it does not exist yet (connecting to the server's `postgres` db)."""
    import environ
    import psycopg
    from psycopg import sql

    config = environ.Env.db_url_config(url)
    conninfo = {
        "host": config.get("HOST") or "127.0.0.1",
        "port": config.get("PORT") or 5432,
        "user": config.get("USER") or "postgres",
        "dbname": "postgres",
    }
    if config.get("PASSWORD"):
        conninfo["password"] = config["PASSWORD"]
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
            print(f"created database {config['NAME']}")


# --- data ------------------------------------------------------------------------------------

WORDS = (
    "Не работает",
    "Не открывается",
    "Ошибка",
    "Медленно работает",
    "Настроить",
    "Подключить",
    "Выдать",
    "Заменить",
    "Восстановить",
    "Проверить",
)
OBJECTS = (
    "принтер",
    "почта",
    "VPN",
    "телефон",
    "монитор",
    "1С",
    "интернет",
    "сканер",
    "ноутбук",
    "доступ к папке",
    "Outlook",
    "Wi-Fi",
    "сайт поставщика",
    "учётная запись",
    "справка 2-НДФЛ",
)
BENCH_DESCRIPTION = "Описание проблемы со слов заявителя."
STATUS_WEIGHTS = {"closed": 55, "resolved": 10, "cancelled": 5, "new": 8, "in_progress": 12, "waiting": 6, "resumed": 4}


def _seed_people(count_employees: int, count_contacts: int) -> None:
    """Enough requesters that the list joins real, varied rows."""
    from servicedesk.models import Company, Contact, Department, Employee

    have = Employee.objects.filter(email__endswith="@bench.example").count()
    departments = list(Department.objects.all())
    Employee.objects.bulk_create(
        [
            Employee(
                department=departments[i % len(departments)],
                last_name=f"Сотрудников-{i}",
                first_name="Иван",
                patronymic="Петрович",
                email=f"e{i}@bench.example",
                phone_extension=f"{500 + i % 400}",
                is_licensed=False,
            )
            for i in range(have, count_employees)
        ],
        batch_size=2000,
    )
    have = Contact.objects.filter(email__endswith="@client.bench.example").count()
    companies = list(Company.objects.all())
    Contact.objects.bulk_create(
        [
            Contact(
                company=companies[i % len(companies)],
                last_name=f"Клиентов-{i}",
                first_name="Пётр",
                email=f"c{i}@client.bench.example",
            )
            for i in range(have, count_contacts)
        ],
        batch_size=2000,
    )


def _ticket_batches(total: int, start: int, batch: int, rng: random.Random) -> Iterator[list]:
    from servicedesk.models import Agreement, Contact, Employee, Service, Team, Ticket, TicketType, User

    services = list(Service.objects.prefetch_related("ticket_types"))
    teams = {t.pk: list(t.members.all()) for t in Team.objects.prefetch_related("members")}
    types = {t.pk: t for t in TicketType.objects.all()}
    base = Agreement.base()
    employees = list(Employee.objects.values_list("pk", flat=True))
    contacts = list(Contact.objects.values_list("pk", flat=True))
    operator = User.objects.get(username="operator")
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    for offset in range(start, total, batch):
        rows = []
        for _i in range(offset, min(offset + batch, total)):
            service = rng.choice(services)
            type_ids = [t.pk for t in service.ticket_types.all()]
            team_id = service.responsible_team_id
            members = teams.get(team_id, [])
            by_contact = rng.random() < 0.3
            rows.append(
                Ticket(
                    type=types[rng.choice(type_ids)],
                    service=service,
                    agreement=base,
                    subject=f"{rng.choice(WORDS)} {rng.choice(OBJECTS)} (каб. {rng.randint(100, 520)})",
                    description=(BENCH_DESCRIPTION + " ") * rng.randint(1, 6),
                    requester_employee_id=None if by_contact else rng.choice(employees),
                    requester_contact_id=rng.choice(contacts) if by_contact else None,
                    responsible_team_id=team_id,
                    responsible_employee_id=(
                        rng.choice(members).pk if members and rng.random() < 0.8 else service.responsible_employee_id
                    ),
                    priority=rng.choices((1, 2, 3, 4), (3, 15, 70, 12))[0],
                    status=rng.choices(statuses, weights)[0],
                    channel=rng.choice(("operator", "email", "email", "portal", "phone")),
                    created_by=operator,
                )
            )
        yield rows


def _seed_tickets(total: int, batch: int = 5000) -> None:
    from django.db import transaction

    from servicedesk.models import Ticket

    have = Ticket.objects.count()
    if have >= total:
        print(f"{have} tickets present, nothing to insert")
        return
    rng = random.Random(have)
    started = time.perf_counter()
    for rows in _ticket_batches(total, have, batch, rng):
        with transaction.atomic():
            created = Ticket.objects.bulk_create(rows)
            _seed_comments(created, rng)
        print(f"  inserted up to {Ticket.objects.count()} tickets", end="\r", flush=True)
    print(f"\ninserted {total - have} tickets in {time.perf_counter() - started:.0f} s")


def _spread_timestamps() -> None:
    from django.db import connection

    from servicedesk.models import Ticket

    with connection.cursor() as cursor:
        # bulk_create stamps every row "now"; spread them over two years, newest last, and set the
        # timestamps that go with each status.
        cursor.execute(
            f"""
            UPDATE {Ticket._meta.db_table} SET
              created_at = now() - (max_id.v - id) * interval '10 minutes',
              updated_at = now() - ((max_id.v - id) * 10 - 90) * interval '1 minute',
              reaction_deadline = now() - ((max_id.v - id) * 10 - 480) * interval '1 minute',
              resolution_deadline = now() - ((max_id.v - id) * 10 - 1440) * interval '1 minute',
              reacted_at = CASE WHEN status <> 'new' THEN now() - ((max_id.v - id) * 10 - 60) * interval '1 minute' END,
              resolved_at = CASE WHEN status IN ('resolved', 'closed')
                            THEN now() - ((max_id.v - id) * 10 - 300) * interval '1 minute' END,
              closed_at = CASE WHEN status = 'closed' THEN now() - ((max_id.v - id) * 10 - 900) * interval '1 minute' END
            FROM (SELECT max(id) AS v FROM {Ticket._meta.db_table}) AS max_id
            WHERE created_at > now() - interval '1 day' AND description LIKE %s
        """,
            [BENCH_DESCRIPTION + "%"],
        )
    with connection.cursor() as cursor:
        # Fresh statistics and visibility map, as autovacuum would have them on a live system;
        # without them the bounded count reads the heap and the planner misjudges text filters.
        cursor.execute(f"VACUUM ANALYZE {Ticket._meta.db_table}")


def _seed_comments(tickets: list, rng: random.Random) -> None:
    """A few comments and history rows on every fifth ticket."""
    from servicedesk.models import Comment, TicketHistory

    comments, history = [], []
    for ticket in tickets:
        if rng.random() >= 0.2:
            continue
        history.append(
            TicketHistory(ticket=ticket, kind="created", actor_name="Иванова Анна Сергеевна", new_value=ticket.subject)
        )
        for n in range(rng.randint(1, 4)):
            private = rng.random() < 0.3
            comments.append(
                Comment(
                    ticket=ticket,
                    author_name="Иванова Анна Сергеевна",
                    is_private=private,
                    body=f"Комментарий {n + 1}: уточнили детали, работаем.",
                )
            )
            history.append(
                TicketHistory(
                    ticket=ticket,
                    kind="comment",
                    field="comment",
                    actor_name="Иванова Анна Сергеевна",
                    new_value="уточнили детали",
                )
            )
        history.append(
            TicketHistory(ticket=ticket, kind="status", field="status", old_value="new", new_value="in_progress")
        )
    Comment.objects.bulk_create(comments)
    TicketHistory.objects.bulk_create(history)


# --- measurement ---------------------------------------------------------------------------------


@dataclass
class Case:
    label: str
    url: str
    params: dict[str, str]


@dataclass
class Measured:
    label: str
    per_page: str
    median_ms: float
    p95_ms: float
    queries: int
    sql_ms: float
    status: int


def _cases() -> list[Case]:
    from django.db.models import Count
    from django.urls import reverse

    from servicedesk.models import Team, Ticket

    team = Team.objects.get(name="Вторая линия")
    busy = Ticket.objects.annotate(n=Count("history")).filter(n__gte=6).order_by("-id").values_list("pk", flat=True)
    card_pk = busy.first() or Ticket.objects.order_by("-id").values_list("pk", flat=True).first()
    cases = []
    for per_page in ("25", "100"):
        cases += [
            Case("list, default", reverse("ticket_list"), {"per_page": per_page}),
            Case(
                "list, in progress + team",
                reverse("ticket_list"),
                {"status": "in_progress", "team": str(team.pk), "per_page": per_page},
            ),
            Case("list, text search", reverse("ticket_list"), {"q": "принтер", "per_page": per_page}),
            Case("list, page 50", reverse("ticket_list"), {"per_page": per_page, "page": "50"}),
        ]
    cases.append(Case("ticket card", reverse("ticket_detail", args=[card_pk]), {}))
    return cases


def _measure(client, case: Case, runs: int, warmup: int) -> Measured:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _i in range(warmup):
        client.get(case.url, case.params)
    timings = []
    for _i in range(runs):
        started = time.perf_counter()
        response = client.get(case.url, case.params)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(case.url, case.params)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return Measured(
        case.label,
        case.params.get("per_page", "-"),
        statistics.median(timings),
        p95,
        len(captured.captured_queries),
        sum(float(q["time"]) for q in captured.captured_queries) * 1000,
        response.status_code,
    )


def _print_table(rows: list[Measured]) -> None:
    print(f"\n{'page':<28} {'per page':>8} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'sql ms':>7} {'status':>6}")
    print("-" * 81)
    for row in rows:
        flag = "" if row.p95_ms < TARGET_MS else "  > target"
        print(
            f"{row.label:<28} {row.per_page:>8} {row.median_ms:>10.1f} {row.p95_ms:>8.1f} "
            f"{row.queries:>8} {row.sql_ms:>7.1f} {row.status:>6}{flag}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000, help="tickets to have in the database")
    parser.add_argument("--runs", type=int, default=20, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page first")
    args = parser.parse_args()

    _configure_environment()
    # WhiteNoise warns that STATIC_ROOT was never collected; rendering does not need it.
    warnings.filterwarnings("ignore", message="No directory at")
    _ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from servicedesk.models import Ticket, User

    call_command("migrate", interactive=False, verbosity=0)
    if not User.objects.filter(username="operator").exists():
        call_command("load_demo", stdout=io.StringIO())
    _seed_people(2000, 1000)
    _seed_tickets(args.tickets)
    _spread_timestamps()
    client = Client()
    client.force_login(User.objects.get(username="operator"))
    print(f"{Ticket.objects.count()} tickets; {args.runs} timed requests per page after {args.warmup} warm-up")
    _print_table([_measure(client, case, args.runs, args.warmup) for case in _cases()])


if __name__ == "__main__":
    main()

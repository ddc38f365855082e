"""Escalation scheduler ticks on PostgreSQL: N open tickets of which M are due, two workers racing.

Run from the checkout:
    .venv/bin/python bench/escalation_tick.py --tickets 1000000 --due 1000

Creates and migrates its own database (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/servicedesk_escalation_bench), tops the ticket table up to N
open tickets with INSERT ... SELECT generate_series (no ORM loop), and gives every ticket its two
escalation tracks (reaction: nothing pending; resolution: the 50/75/100 % levels of the default
scheme pending). M tickets, spread over the id range, have their resolution deadline 30 minutes
ago, so all three levels of each are due; the others are due days later. Then two worker
processes run `fire_due_escalations` (one tick = one SKIP LOCKED claim of up to --batch tracks)
in a loop until neither finds anything due, each timing its ticks; this is repeated for --rounds
measured rounds after one warm-up round (a running scheduler is warm), the same levels made due
again between rounds. Notifications are written as
occurrences in the tick's transaction; their fan-out task goes to an in-memory broker (not
timed: it runs in the workers, after commit).

Checked afterwards: every due level fired (a firing row each), none twice (duplicate firing rows,
or two notifications for one ticket and level). The last line is JSON with tick_ms_p50,
tick_ms_p95 (ticks that claimed work), empty_tick_ms (a tick with nothing due), fired, expected,
fired_twice, missing.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/servicedesk_escalation_bench"
TARGET_P95_MS = 200.0


def _configure() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = "servicedesk.settings"
    os.environ["CELERY_BROKER_URL"] = "memory://"  # the fan-out kick goes nowhere; not part of a tick
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage")


def _ensure_database(url: str) -> None:
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
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
            print(f"created database {config['NAME']}")


def _fill(tickets: int) -> None:
    """Top the open tickets up to `tickets` with one INSERT ... SELECT generate_series."""
    from django.db import connection

    from servicedesk.models import Agreement, Ticket, TicketType

    have = Ticket.objects.count()
    if have >= tickets:
        print(f"{have:,} tickets present")
        return
    base, incident = Agreement.base(), TicketType.objects.get(code="incident")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO servicedesk_ticket (
                type_id, agreement_id, subject, description, requester_email, requester_name, priority, status,
                channel, created_at, updated_at, reaction_deadline, resolution_deadline, reacted_at,
                reaction_target, resolution_target, resolution_spent, sla_running_since, solution)
            SELECT %s, %s, 'Bench ticket ' || n, '', 'bench' || n || '@client.example', '', 3, 'in_progress',
                   'email', now() - interval '1 hour', now(), now() + interval '1 hour',
                   now() + interval '3 days', now() - interval '50 minutes',
                   interval '2 hours', interval '8 hours', interval '0', now() - interval '1 hour', ''
            FROM generate_series(%s, %s) AS n
            """,
            [incident.pk, base.pk, have + 1, tickets],
        )
    print(f"inserted {tickets - have:,} tickets in {time.perf_counter() - started:.1f} s")


def _reset(tickets: int, due: int) -> int:
    """Fresh tracks for every ticket; `due` of them with all resolution levels due. Returns how
    many levels are due."""
    from django.db import connection

    from escalation.models import EscalationLevel, EscalationScheme

    resolution = EscalationScheme.objects.get(code="ticket-resolution")
    reaction = EscalationScheme.objects.get(code="ticket-reaction")
    levels = EscalationLevel.objects.filter(scheme=resolution, enabled=True).count()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE escalation_escalationfiring, escalation_escalationtrack, notifications_delivery, "
            "notifications_notification, notifications_occurrence"
        )
        cursor.execute("SELECT min(id), max(id) FROM servicedesk_ticket")
        low, high = cursor.fetchone()
        step = max((high - low + 1) // due, 1)
        # Due tickets: the resolution deadline passed 30 minutes ago, so 50, 75 and 100 % are due.
        # Only the rows whose state changes are written: rewriting a million rows per run would
        # leave the table full of dead versions that every later read has to skip.
        cursor.execute(
            "UPDATE servicedesk_ticket SET resolution_deadline = now() - interval '30 minutes' "
            "WHERE (id - %s) %% %s = 0 AND resolution_deadline > now() - interval '10 minutes'",
            [low, step],
        )
        cursor.execute(
            "UPDATE servicedesk_ticket SET resolution_deadline = now() + interval '3 days' "
            "WHERE (id - %s) %% %s <> 0 AND resolution_deadline < now() + interval '1 day'",
            [low, step],
        )
        cursor.execute(
            """
            INSERT INTO escalation_escalationtrack (scheme_id, object_id, next_at, fired, attempts, last_error, updated_at)
            SELECT %s, id, NULL, '[]'::jsonb, 0, '', now() FROM servicedesk_ticket
            UNION ALL
            SELECT %s, id, CASE WHEN (id - %s) %% %s = 0 THEN now() - interval '3 hours 30 minutes'
                                ELSE now() + interval '2 days' END, '[]'::jsonb, 0, '', now()
            FROM servicedesk_ticket
            """,
            [reaction.pk, resolution.pk, low, step],
        )
        cursor.execute("SELECT count(*) FROM servicedesk_ticket WHERE (id - %s) %% %s = 0", [low, step])
        due_tickets = cursor.fetchone()[0]
        cursor.execute("VACUUM ANALYZE escalation_escalationtrack")
        cursor.execute("VACUUM ANALYZE servicedesk_ticket")
    print(f"tracks for {tickets:,} tickets ({due_tickets:,} due) in {time.perf_counter() - started:.1f} s")
    return due_tickets * levels


def _worker(batch: int, rounds: int, barrier: Any, results: multiprocessing.Queue) -> None:
    import datetime as dt

    import django

    django.setup()
    from escalation import schemes
    from escalation.services import fire_due_escalations
    from servicedesk.models import Agreement
    from servicedesk.worktime.calendars import working_time

    # A running worker has its schemes and calendars compiled and its connection open.
    schemes.for_target("ticket_resolution")
    working_time(Agreement.base().schedule).add(dt.datetime.now(dt.UTC), dt.timedelta(hours=1))
    for _round in range(rounds):
        barrier.wait()  # the main process has made the due levels due again
        timings: list[tuple[float, int, int]] = []
        idle = 0
        while idle < 2:
            started = time.perf_counter()
            result = fire_due_escalations(limit=batch)
            timings.append(((time.perf_counter() - started) * 1000, result.claimed, result.fired))
            idle = idle + 1 if result.claimed == 0 else 0
        results.put(timings)
        barrier.wait()  # every worker found nothing more to do


def _rearm() -> None:
    """Make the same due levels due again for the next round (tickets and tracks stay)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE escalation_escalationfiring, notifications_occurrence CASCADE")
        cursor.execute(
            "UPDATE escalation_escalationtrack AS t SET next_at = now() - interval '3 hours 30 minutes', "
            "fired = '[]'::jsonb FROM servicedesk_ticket AS k WHERE k.id = t.object_id "
            "AND k.resolution_deadline < now() AND t.scheme_id = "
            "(SELECT id FROM escalation_escalationscheme WHERE code = 'ticket-resolution')"
        )


def _checks() -> tuple[int, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM escalation_escalationfiring GROUP BY level_id, object_id "
            "HAVING count(*) > 1) AS twice"
        )
        twice_firing = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM notifications_occurrence WHERE event = 'escalation.ticket' "
            "GROUP BY ticket_id, data->>'level_id' HAVING count(*) > 1) AS twice"
        )
        twice_notified = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM escalation_escalationfiring")
        fired = cursor.fetchone()[0]
    return fired, twice_firing + twice_notified


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=50, help="tracks claimed per tick (the scheduler's BATCH)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds after one warm-up round")
    args = parser.parse_args()
    _configure()
    _ensure_database(os.environ["DATABASE_URL"])
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    _fill(args.tickets)
    expected = _reset(args.tickets, args.due)
    from django.db import connections

    from escalation.services import fire_due_escalations

    rounds = args.rounds + 1  # the first round warms the workers up and is not counted
    connections.close_all()
    context = multiprocessing.get_context("fork")
    results: multiprocessing.Queue = context.Queue()
    barrier = context.Barrier(args.workers + 1)
    workers = [
        context.Process(target=_worker, args=(args.batch, rounds, barrier, results)) for _ in range(args.workers)
    ]
    for worker in workers:
        worker.start()
    timings: list[tuple[float, int, int]] = []
    fired = twice = 0
    for number in range(rounds):
        if number:
            _rearm()
        connections.close_all()
        barrier.wait()
        round_timings = [item for _ in workers for item in results.get(timeout=600)]
        barrier.wait()
        round_fired, round_twice = _checks()
        if number:
            timings += round_timings
            fired, twice = fired + round_fired, twice + round_twice
        print(f"round {number}{' (warm-up)' if not number else ''}: fired {round_fired}, twice {round_twice}")
    for worker in workers:
        worker.join()
    expected *= args.rounds
    work = sorted(ms for ms, claimed, _fired in timings if claimed)
    empty = sorted(ms for ms, claimed, _fired in timings if not claimed)
    started = time.perf_counter()
    fire_due_escalations(limit=args.batch)  # nothing due now: the cost of looking
    empty_ms = (time.perf_counter() - started) * 1000
    p50 = statistics.median(work) if work else 0.0
    p95 = statistics.quantiles(work, n=20, method="inclusive")[18] if len(work) > 1 else (work or [0.0])[0]
    print(
        f"{len(work)} ticks with work by {args.workers} workers: p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
        f"max {max(work, default=0):.1f} ms; empty tick {empty_ms:.1f} ms (median while racing "
        f"{statistics.median(empty) if empty else 0:.1f} ms); fired {fired} of {expected}, twice {twice}"
    )
    status = "OK" if p95 < TARGET_P95_MS and fired == expected and twice == 0 else "OVER TARGET"
    print(f"target: p95 < {TARGET_P95_MS:.0f} ms, every due level once: {status}")
    print(
        json.dumps(
            {
                "tickets": args.tickets,
                "due_tickets": args.due,
                "tick_ms_p50": round(p50, 1),
                "tick_ms_p95": round(p95, 1),
                "empty_tick_ms": round(empty_ms, 1),
                "ticks": len(work),
                "fired": fired,
                "expected": expected,
                "fired_twice": twice,
                "missing": expected - fired,
            }
        )
    )


if __name__ == "__main__":
    main()

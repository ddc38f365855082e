"""A 50,000-row employee CSV imported from scratch, then again (nothing changes), then with changes.

    .venv/bin/python bench/import_people.py [--rows 50000]

Builds a fresh database ``servicedesk_bench_import`` (dropped and re-created; nothing else is
touched) with 50 departments and writes a CSV as Russian Excel saves it (Windows-1251, `;`), with
an external id, login, full name, department, position, e-mail, mobile phone, extension and the
licensed flag. Each step runs in a child process so its peak resident memory (ru_maxrss, the
whole Python process with Django loaded) is the import's own: the check (preview, nothing
written), the first import (every row created, logins included), a re-import (every row
unchanged) and an import where every tenth row changed. Targets: under 60 s, under 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "servicedesk_bench_import"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
ENV = {
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
    "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
    "CELERY_BROKER_URL": "memory://",
    "LOG_LEVEL": "WARNING",
    "LANGUAGE_CODE": "ru",
}
SURNAMES = ["Иванов", "Петров", "Сидоров", "Кузнецов", "Смирнов", "Попов", "Васильев", "Соколов", "Михайлов", "Новиков"]
NAMES = ["Анна", "Пётр", "Семён", "Мария", "Ольга", "Илья", "Кирилл", "Дарья", "Егор", "Алла"]


def setup_django() -> None:
    os.environ.update(ENV)
    import django

    django.setup()


def prepare(rows: int, path: Path, changed_path: Path) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    setup_django()
    from django.core.management import call_command

    from servicedesk.models import Department

    call_command("migrate", verbosity=0)
    Department.objects.bulk_create(Department(name=f"Отдел {i:02d}", external_id=f"D-{i:02d}") for i in range(50))
    rnd = random.Random(14)
    header = "Внешний идентификатор;Логин;Фамилия*;Имя;Отчество;Отдел*;Должность;Адрес электронной почты;Мобильный телефон;Внутренний номер;Лицензированный\n"
    lines, changed = [header], [header]
    for i in range(rows):
        row = [
            f"E-{i:06d}",
            f"user{i:06d}",
            rnd.choice(SURNAMES),
            rnd.choice(NAMES),
            "Сергеевич",
            f"Отдел {i % 50:02d}",
            "Инженер",
            f"user{i:06d}@corp.example",
            f"+7 900 {i:07d}",
            str(1000 + i % 9000),
            "да" if i % 3 else "нет",
        ]
        lines.append(";".join(row) + "\n")
        if i % 10 == 0:
            row[6] = "Ведущий инженер"
        changed.append(";".join(row) + "\n")
    path.write_bytes("".join(lines).encode("cp1251"))
    changed_path.write_bytes("".join(changed).encode("cp1251"))


def child(step: str, path: str) -> None:
    setup_django()
    from servicedesk.people_import import engine

    data = Path(path).read_bytes()
    started = time.perf_counter()
    if step == "check":
        outcome = engine.check("employees", data)
    else:
        outcome = engine.run("employees", data, "all")
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": round(seconds, 2),
                "peak_mb": round(peak_mb),
                "created": outcome.created,
                "updated": outcome.updated,
                "unchanged": outcome.unchanged,
                "errors": outcome.error_count,
            }
        )
    )


def run_step(step: str, path: Path) -> dict:
    env = {**os.environ, **ENV}
    out = subprocess.run(
        [sys.executable, __file__, "--child", step, str(path)], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--child", nargs=2, metavar=("STEP", "FILE"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    path, changed = folder / "employees.csv", folder / "employees-changed.csv"
    prepare(args.rows, path, changed)
    print(f"{args.rows} rows, {path.stat().st_size / 1e6:.1f} MB CSV (cp1251, ;)")
    print(f"{'step':<34}{'seconds':>9}{'peak MB':>9}  counts")
    for label, step, file in (
        ("check (preview, nothing written)", "check", path),
        ("first import (all created)", "run", path),
        ("re-import (all unchanged)", "run", path),
        ("import, every 10th row changed", "run", changed),
    ):
        result = run_step(step, file)
        counts = f"created {result['created']}, updated {result['updated']}, unchanged {result['unchanged']}, errors {result['errors']}"
        flag = "" if result["seconds"] < 60 and result["peak_mb"] < 300 else "  > target"
        print(f"{label:<34}{result['seconds']:>9.2f}{result['peak_mb']:>9}  {counts}{flag}")


if __name__ == "__main__":
    main()

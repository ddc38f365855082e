"""An LDAP sync of 10,000 users against a real OpenLDAP with an Active Directory-like tree.

    .venv/bin/python bench/ldap_sync.py [--users 10000]

Starts a private slapd (the test suite's, from servicedesk.testing.ldapserver) on a free loopback
port with 20 OUs under OU=Corp and `--users` user objects (sAMAccountName, objectGUID,
userAccountControl — every 50th disabled — name, mail, title, phones) loaded with slapadd, builds a
fresh database ``servicedesk_bench_ldap`` (dropped and re-created; nothing else is touched) and
times the real ``run_ldap_sync``, which reads every entry over LDAP in 500-entry pages and writes
departments, employees and logins: the first run (everything created), a second run (nothing
changed) and a third after 1,000 users changed their title in the directory. Peak memory is the
resident size of this process. Target: under 60 s per run.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "servicedesk_bench_ldap"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def tree(users: int) -> str:
    from servicedesk.testing.ldapserver.server import BASE_DN, UF_DISABLED, UF_NORMAL, ldif_entry

    parts = [
        ldif_entry(
            f"OU=Corp,{BASE_DN}",
            {"objectClass": ["organizationalUnit", "adObject"], "ou": "Corp", "objectGUID": uuid.uuid4().bytes_le},
        )
    ]
    for i in range(20):
        parts.append(
            ldif_entry(
                f"OU=Отдел {i:02d},OU=Corp,{BASE_DN}",
                {
                    "objectClass": ["organizationalUnit", "adObject"],
                    "ou": f"Отдел {i:02d}",
                    "objectGUID": uuid.uuid4().bytes_le,
                },
            )
        )
    for i in range(users):
        login = f"user{i:05d}"
        parts.append(
            ldif_entry(
                f"CN={login},OU=Отдел {i % 20:02d},OU=Corp,{BASE_DN}",
                {
                    "objectClass": ["user", "adObject"],
                    "cn": login,
                    "sn": f"Фамилия{i}",
                    "givenName": "Имя",
                    "middleName": "Отчество",
                    "sAMAccountName": login,
                    "mail": f"{login}@corp.example",
                    "title": "Инженер",
                    "telephoneNumber": str(1000 + i % 9000),
                    "mobile": f"+7 900 {i:07d}",
                    "userAccountControl": UF_DISABLED if i % 50 == 0 else UF_NORMAL,
                    "objectGUID": uuid.uuid4().bytes_le,
                    "objectCategory": "person",
                },
            )
        )
    return "".join(parts)


def setup_django() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    os.environ.update(
        {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
            "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
            "CELERY_BROKER_URL": "memory://",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=10_000)
    args = parser.parse_args()
    from servicedesk.testing.ldapserver.server import BASE_DN, SYNC_DN, SYNC_PASSWORD, start_slapd

    started = time.perf_counter()
    server = start_slapd(extra_ldif=tree(args.users))
    print(f"slapd with {args.users} users loaded in {time.perf_counter() - started:.1f} s at {server.url}")
    try:
        setup_django()
        from servicedesk.models import LdapConnection
        from servicedesk.services.directory import run_ldap_sync

        connection = LdapConnection(name="bench", url=server.url, security="none", bind_dn=SYNC_DN, base_dn=BASE_DN)
        connection.password = SYNC_PASSWORD
        connection.save()
        print(f"{'run':<40}{'seconds':>9}  result")
        for label in ("first sync (everything created)", "second sync (nothing changed)", "after 1,000 titles changed"):
            if label.startswith("after"):
                conn = server.connection()
                import ldap3

                for i in range(0, args.users, max(1, args.users // 1000)):
                    conn.modify(
                        f"CN=user{i:05d},OU=Отдел {i % 20:02d},OU=Corp,{BASE_DN}",
                        {"title": [(ldap3.MODIFY_REPLACE, ["Ведущий инженер"])]},
                    )
                conn.unbind()
            begun = time.perf_counter()
            run = run_ldap_sync(connection_id=connection.pk)
            seconds = time.perf_counter() - begun
            assert run is not None
            result = (
                f"{run.status}: departments +{run.departments_created}, employees +{run.created}, "
                f"updated {run.updated}, unchanged {run.unchanged}, deactivated {run.deactivated}, errors {run.errors}"
            )
            print(f"{label:<40}{seconds:>9.2f}  {result}{'' if seconds < 60 else '  > target'}")
        print(f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    finally:
        server.stop()
        shutil.rmtree(server.root, ignore_errors=True)


if __name__ == "__main__":
    main()

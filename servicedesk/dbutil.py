"""Bulk statements on PostgreSQL: server-side parameter binding, and COPY for many rows.

Django's psycopg connections bind parameters on the client (psycopg's ClientCursor), quoting every
value in Python. For the few bulk statements that pass whole arrays (`unnest(%s::bigint[], ...)`)
that quoting dominates their cost, so they go through a server-binding cursor of the same
connection, inside the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connection, connections
from django.db.models import Model


def server_bound(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Execute `sql` (PostgreSQL only) with server-side binding; the rows it returns, if any."""
    import psycopg

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def server_bound_many(sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """`executemany` of `sql` (PostgreSQL only) with server-side binding: bytes travel as binary
    parameters instead of hex literals twice their size."""
    import psycopg

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.executemany(sql, rows)


# Below this many rows a multi-row INSERT is as fast and works on every database.
COPY_FROM = 50
M = TypeVar("M", bound=Model)


def insert_many(model: type[M], rows: list[M]) -> list[M]:
    """`bulk_create(rows)` (ids set on the rows), through PostgreSQL COPY for big batches.

    For a fan-out of thousands of journal entries and channel messages a multi-row INSERT spends
    most of its time composing and parsing tens of thousands of placeholders; COPY streams the same
    values several times faster. Ids are taken from the table's sequence first (two round trips);
    the values are the ones the ORM would save (`get_db_prep_save`), so the rows are identical.
    """
    if connection.vendor != "postgresql" or len(rows) < COPY_FROM:
        return model._default_manager.bulk_create(rows)
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    db = connections[connection.alias]  # the connection itself, not the per-attribute proxy
    quote = db.ops.quote_name
    columns = ", ".join(quote(str(c)) for c in [meta.pk.column, *(f.column for f in fields)])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row([pk, *(_value(f, getattr(row, f.attname), db) for f in fields)])
    for pk, row in zip(ids, rows, strict=True):
        row.pk = pk
        row._state.adding, row._state.db = False, db.alias
    return rows


# Values of these exact types go to COPY as they are (psycopg adapts them as the ORM would);
# anything else (JSON, enums, decimals) is prepared by its field, which costs a few calls each.
_PLAIN = frozenset({str, int, bool, dt.datetime, type(None)})


def _value(field: Any, value: Any, db: Any) -> Any:
    return value if type(value) in _PLAIN else field.get_db_prep_save(value, db)

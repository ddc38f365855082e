"""One statement with server-side parameter binding on PostgreSQL.

Django's psycopg connections bind parameters on the client (psycopg's ClientCursor), quoting every
value in Python. For the few bulk statements that pass whole arrays (`unnest(%s::bigint[], ...)`)
that quoting dominates their cost, so they go through a server-binding cursor of the same
connection, inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection


def server_bound(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Execute `sql` (PostgreSQL only) with server-side binding; the rows it returns, if any."""
    import psycopg

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []

"""Trigram indexes so that the ticket list's text search (icontains) uses an index on PostgreSQL.

Django's icontains is `UPPER(col::text) LIKE UPPER('%…%')`, so the indexes are on that expression.
pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it. Other databases
(the embedded SQLite default) skip this migration.
"""

from __future__ import annotations

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ticket_subject_trgm ON servicedesk_ticket USING gin (UPPER(subject::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS ticket_description_trgm ON servicedesk_ticket USING gin (UPPER(description::text) gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS ticket_subject_trgm", "DROP INDEX IF EXISTS ticket_description_trgm"]


def _run(statements: list[str]):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("servicedesk", "0002_reference_data")]
    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]

"""Trigram indexes for the requester columns the ticket search now reads (PostgreSQL only; see 0003)."""

from __future__ import annotations

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ticket_requester_email_trgm ON servicedesk_ticket"
    " USING gin (UPPER(requester_email::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS ticket_requester_name_trgm ON servicedesk_ticket"
    " USING gin (UPPER(requester_name::text) gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS ticket_requester_email_trgm", "DROP INDEX IF EXISTS ticket_requester_name_trgm"]


def _run(statements: list[str]):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("servicedesk", "0007_history_codes")]
    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]

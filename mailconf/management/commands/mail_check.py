"""`manage.py mail_check NAME`: the "Check" button of an incoming connection, from the shell."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mailconf.connections import check_connection
from mailconf.models import IncomingConnection


class Command(BaseCommand):
    help = "Connect to an incoming mailbox, log in and report the result (nothing is read or changed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="Name of the incoming connection.")

    def handle(self, *args: Any, **options: Any) -> None:
        conn = IncomingConnection.objects.filter(name=options["name"]).first()
        if conn is None:
            raise CommandError(f"no incoming connection named {options['name']}")
        outcome = check_connection(conn)
        conn.refresh_from_db()
        if not outcome.ok:
            # The shell is the server side: the technical detail is shown after the outcome.
            raise CommandError(
                f"{conn.name}: {outcome.text} {conn.last_error} (failures in a row: {conn.consecutive_failures})"
            )
        self.stdout.write(self.style.SUCCESS(f"{conn.name}: OK. {outcome.text}"))
        if conn.oauth_token_expires_at:
            self.stdout.write(f"access token valid until {conn.oauth_token_expires_at.isoformat()}")

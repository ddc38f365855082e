"""`manage.py pbx_token create NAME` | `list` | `revoke PREFIX`: PBX API tokens from the shell.

`create` prints the new token as its last line (shown once: only its hash is stored), so a
provisioning script can take it with `tail -n1`.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from telephony.models import PbxToken
from telephony.services.tokens import create_token, revoke_tokens


class Command(BaseCommand):
    help = "Create, list or revoke the API tokens PBXs use to report missed calls and voicemail."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True)
        create = verbs.add_parser("create", help="New token for the PBX NAME (created if new).")
        create.add_argument("name")
        verbs.add_parser("list", help="Tokens with their PBX, beginning, creation and last use.")
        revoke = verbs.add_parser("revoke", help="Revoke the token that begins with PREFIX.")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        if verb == "create":
            try:
                row, token = create_token(pbx_name=options["name"])
            except ValueError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"PBX: {row.pbx.name}. The token is shown only now; keep it in the PBX's settings:")
            self.stdout.write(token)
        elif verb == "list":
            for row in PbxToken.objects.select_related("pbx").order_by("pbx__name", "-created_at"):
                state = f"revoked {row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "active"
                used = f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "never"
                self.stdout.write(f"{row.pbx.name}\t{row.prefix}…\t{row.created_at:%Y-%m-%d %H:%M}\t{used}\t{state}")
        else:
            prefix = options["prefix"].rstrip("…")
            matches = list(PbxToken.objects.filter(prefix__startswith=prefix[:12], revoked_at__isnull=True))
            matches = [row for row in matches if prefix.startswith(row.prefix) or row.prefix.startswith(prefix)]
            if len(matches) != 1:
                raise CommandError(f"{len(matches)} active tokens begin with {prefix!r}; give a longer beginning.")
            revoke_tokens(tokens=matches)
            self.stdout.write(f"Revoked {matches[0].prefix}… of {matches[0].pbx.name}.")

"""Re-encrypt every stored secret with the first key of FIELD_ENCRYPTION_KEYS (README: "Secrets at rest
and key rotation"): the mail connections' and every other app's that encrypts through the same keys
(personal mailboxes, their OAuth2 applications, directories, Telegram bots, webhooks). A column left
out would become unreadable once the old key is removed."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mailconf import crypto


def encrypted_fields() -> list[tuple[Any, list[str]]]:
    """(model, [column names]) of every installed model with `*_encrypted` columns (found through
    the model registry, so this app imports none of the others)."""
    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if f.name.endswith("_encrypted")]
        if names:
            found.append((model, names))
    return found


class Command(BaseCommand):
    help = "Re-encrypt all stored secrets with the first key of FIELD_ENCRYPTION_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        try:
            with transaction.atomic():
                for model, names in encrypted_fields():
                    for obj in model.objects.select_for_update().only("pk", *names):
                        for name in names:
                            setattr(obj, name, crypto.reencrypt(getattr(obj, name)))
                        obj.save(update_fields=names)
                        total += 1
        except crypto.DecryptionError as exc:
            raise CommandError(f"{exc}; nothing was changed. Keep the old key in the list until this succeeds.")
        self.stdout.write(f"re-encrypted secrets of {total} rows")

"""`manage.py load_demo`: load the demo company, its clients and tickets; safe to run again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from servicedesk.demo import DemoResult, load_demo


class Command(BaseCommand):
    help = "Load demo data (org structure, clients, services, agreements, tickets). Running it again adds nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_demo()
        self._report_counts(result)
        self._report_credentials(result)

    def _report_counts(self, result: DemoResult) -> None:
        created = {name: count for name, count in sorted(result.created.items()) if count}
        if created:
            summary = ", ".join(f"{name}: {count}" for name, count in created.items())
            self.stdout.write(self.style.SUCCESS(f"Demo data created ({summary})."))
        else:
            self.stdout.write("Demo data is already loaded; nothing new was created.")

    def _report_credentials(self, result: DemoResult) -> None:
        line = "=" * 64
        self.stdout.write(line)
        for username, password in result.credentials.items():
            if password is not None:
                self.stdout.write(self.style.SUCCESS(f"  login: {username:<10} password: {password}"))
            else:
                self.stdout.write(
                    f"  login: {username:<10} exists; its password is unchanged "
                    f"(reset it with: python manage.py changepassword {username})"
                )
        if any(password is not None for password in result.credentials.values()):
            self.stdout.write("  These passwords are shown only now; write them down.")
        self.stdout.write(line)

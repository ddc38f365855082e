"""Search on SQLite, the embedded default of `make run`, run for real in a process of its own.

The suite's database is PostgreSQL, whose `UPPER(...) LIKE UPPER(...)` folds Cyrillic anyway; on
SQLite only servicedesk/lookups.py makes `icontains` fold it. So a test
(test_search_on_sqlite.py) runs this module with a fresh SQLite file: it migrates, writes a few
tickets and people, asks the ticket list, the people directory and the requester chooser through
Django's test client, and prints what each search found as JSON.

    python -m servicedesk.testing.sqlite_search /tmp/search.sqlite3
"""

from __future__ import annotations

import json
import os
import re
import sys


def _setup(path: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ["REDIS_URL"] = ""  # the embedded default: no Redis either
    # Importing the package set the production default already (servicedesk/celery.py).
    os.environ["DJANGO_SETTINGS_MODULE"] = "servicedesk.settings_test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)


def _data() -> dict[str, int]:
    from servicedesk import roles
    from servicedesk.models import Company, Contact, Department, TicketType
    from servicedesk.services.tickets import create_ticket
    from servicedesk.testing.cast import make_employee

    support = Department.objects.create(name="Служба поддержки")
    operator = make_employee("operator", support, roles.SPECIALIST, last_name="Иванова", first_name="Анна")
    make_employee("", support, last_name="Ёлкина", first_name="Ольга", email="olga.yolkina@corp.example")
    company = Company.objects.create(name="ООО Ромашка")
    client = Contact.objects.create(
        company=company, last_name="Щукин", first_name="Павел", email="Pavel.Shchukin@Romashka.example"
    )
    incident = TicketType.objects.get(code="incident")
    ids = {}
    for key, subject in (
        ("lower", "принтер не печатает"),
        ("title", "Принтер замял бумагу"),
        ("upper", "ПРИНТЕР В КОРИДОРЕ"),
        ("other", "Не работает почта"),
    ):
        ticket = create_ticket(actor=operator.user, ticket_type=incident, subject=subject, requester_contact=client)
        ids[key] = ticket.pk
    assert operator.user is not None
    ids["operator"] = operator.user.pk
    return ids


def _search(operator_id: int) -> dict[str, dict[str, list]]:
    from django.test import Client

    from servicedesk.models import User

    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(User.objects.get(pk=operator_id))
    found: dict[str, dict[str, list]] = {"tickets": {}, "directory": {}, "requesters": {}}
    for text in ("принтер", "Принтер", "ПРИНТЕР", "пРиНтЕр", "щукин", "ЩУКИН", "romashka", "#4", "4"):
        page = client.get("/", {"q": text})
        found["tickets"][text] = sorted(t.pk for t in page.context["page"].object_list)
    for text in ("ёлкина", "ЁЛКИНА", "Ёлкина", "ольга"):
        page = client.get("/people/", {"q": text})
        found["directory"][text] = [person.full_name for node in page.context["tree"] for person in node.people]
    for text in ("ЩУК", "щук", "ёлк", "ЁЛК"):
        html = client.get("/tickets/requesters/", {"requester_q": text}).content.decode()
        found["requesters"][text] = re.findall(r'<option value="[^"]+"[^>]*>([^<]+)</option>', html)
    return found


def main(path: str) -> None:
    _setup(path)
    ids = _data()
    json.dump({"ids": ids, "found": _search(ids["operator"])}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1])

"""Reference data every installation has: user groups, the base agreement, the ticket types."""

from __future__ import annotations

from django.db import migrations

GROUPS = ["administrator", "specialist", "second_line", "change_specialist", "problem_specialist", "auditor", "technologist"]
TYPES = [
    ("incident", "Инцидент", "Incident"),
    ("service_request", "Запрос на обслуживание", "Service request"),
    ("appeal", "Обращение", "Appeal"),
]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Agreement = apps.get_model("servicedesk", "Agreement")
    TicketType = apps.get_model("servicedesk", "TicketType")
    ServiceSchedule = apps.get_model("servicedesk", "ServiceSchedule")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)
    for code, name, name_en in TYPES:
        TicketType.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en})
    schedule, _ = ServiceSchedule.objects.get_or_create(
        name="8×5, 09:00–18:00", defaults={
            "name_en": "8×5, 09:00–18:00",
            "intervals": {str(d): [["09:00", "18:00"]] for d in range(1, 6)},
        },
    )
    ServiceSchedule.objects.get_or_create(name="24×7", defaults={"name_en": "24×7", "around_the_clock": True})
    Agreement.objects.get_or_create(
        is_base=True, defaults={"name": "Базовое соглашение", "name_en": "Base agreement", "schedule": schedule},
    )


class Migration(migrations.Migration):
    dependencies = [("servicedesk", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

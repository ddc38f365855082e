"""Status history keeps codes and comment history keeps the kind in `field`, so the history reads
in the reader's language. Rows written before hold labels in the actor's language; map them back."""

from __future__ import annotations

from django.db import migrations

STATUS_LABELS = {
    "new": ("Новая", "New"),
    "in_progress": ("В работе", "In progress"),
    "waiting": ("Ожидание", "Ожидает", "Waiting"),
    "resolved": ("Разрешена", "Решена", "Resolved"),
    "closed": ("Закрыта", "Closed"),
    "resumed": ("Возобновлена", "Resumed"),
    "cancelled": ("Отменена", "Cancelled"),
}
COMMENT_PREFIXES = {"private_comment": ("приватный: ", "private: "), "comment": ("публичный: ", "public: ")}


def forwards(apps, schema_editor):
    TicketHistory = apps.get_model("servicedesk", "TicketHistory")
    for code, labels in STATUS_LABELS.items():
        for column in ("old_value", "new_value"):
            TicketHistory.objects.filter(field="status", **{f"{column}__in": labels}).update(**{column: code})
    for field, prefixes in COMMENT_PREFIXES.items():
        for prefix in prefixes:
            rows = TicketHistory.objects.filter(field="comment", new_value__startswith=prefix)
            for row in rows.only("pk", "new_value").iterator():
                TicketHistory.objects.filter(pk=row.pk).update(field=field, new_value=row.new_value[len(prefix) :])


class Migration(migrations.Migration):
    dependencies = [("servicedesk", "0006_sla_worktime_tasks")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""Default event actions of reclassification, tasks and approvals (enabled, Russian and English)."""

from __future__ import annotations

from django.db import migrations


def forwards(apps, schema_editor):
    from notifications.defaults import install

    install(apps)


def backwards(apps, schema_editor):
    from notifications.defaults import WORK_DEFAULTS

    EventAction = apps.get_model("notifications", "EventAction")
    EventAction.objects.filter(code__in=[item.code for item in WORK_DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_escalation_recipients")]
    operations = [migrations.RunPython(forwards, backwards)]

"""The default escalation schemes for tickets, tasks and approvals (enabled; Russian and English)."""

from __future__ import annotations

from django.db import migrations


def forwards(apps, schema_editor):
    from escalation.defaults import install

    install(apps)


def backwards(apps, schema_editor):
    from escalation.defaults import uninstall

    uninstall(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("escalation", "0001_initial"),
        ("notifications", "0004_work_item_actions"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]

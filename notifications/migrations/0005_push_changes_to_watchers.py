"""Default push actions so the people working a ticket hear about every change they did not make:
status and priority changes push to the responsible employee and the watchers, and the shipped
comment and attachment pushes reach the watchers too."""

from __future__ import annotations

from django.db import migrations


def forwards(apps, schema_editor):
    from notifications.defaults import install, widen

    install(apps)
    widen(apps)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0004_work_item_actions")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

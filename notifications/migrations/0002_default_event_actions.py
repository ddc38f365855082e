"""The default event actions (all enabled; Russian and English templates)."""

from __future__ import annotations

from django.db import migrations


def forwards(apps, schema_editor):
    from notifications.defaults import install

    install(apps)


def backwards(apps, schema_editor):
    from notifications.defaults import uninstall

    uninstall(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("servicedesk", "0002_reference_data"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]

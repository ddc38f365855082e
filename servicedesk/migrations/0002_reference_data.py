"""Reference data every installation has (servicedesk.reference; also re-run after every migrate)."""

from __future__ import annotations

from django.db import migrations


def forwards(apps, schema_editor):
    from servicedesk.reference import ensure_reference_data

    ensure_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("servicedesk", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

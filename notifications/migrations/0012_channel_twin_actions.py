"""The Web Push and Telegram twins of the shipped in-app push actions (see defaults.channel_twins):
only they are installed here, so a shipped action a technologist deleted stays deleted."""

from __future__ import annotations

from django.db import migrations


def forwards(apps, schema_editor):
    from notifications.defaults import TWIN_CHANNELS, all_defaults, install_items

    install_items(apps, [item for item in all_defaults() if item.channel in TWIN_CHANNELS])


def backwards(apps, schema_editor):
    from notifications.defaults import TWIN_CHANNELS, all_defaults

    EventAction = apps.get_model("notifications", "EventAction")
    EventAction.objects.filter(code__in=[i.code for i in all_defaults() if i.channel in TWIN_CHANNELS]).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0011_telegram")]
    operations = [migrations.RunPython(forwards, backwards)]

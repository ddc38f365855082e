"""The enabled in-app push actions for missed calls and voicemail (installations that had the
notifications app before telephony get them here; new ones also through notifications' defaults)."""

from __future__ import annotations

from django.db import migrations


def forwards(apps, schema_editor):
    from notifications.defaults import install
    from telephony.defaults import PUSH_DEFAULTS

    install(apps, PUSH_DEFAULTS)


def backwards(apps, schema_editor):
    from notifications.defaults import uninstall
    from telephony.defaults import PUSH_DEFAULTS

    uninstall(apps, PUSH_DEFAULTS)


class Migration(migrations.Migration):
    dependencies = [
        ("telephony", "0001_initial"),
        ("notifications", "0002_default_event_actions"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]

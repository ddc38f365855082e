"""The Web Push and Telegram twins of the shipped escalation push actions, added to the levels that
notify through their in-app originals."""

from __future__ import annotations

from django.db import migrations


def forwards(apps, schema_editor):
    from escalation.defaults import install_twins

    install_twins(apps)


class Migration(migrations.Migration):
    dependencies = [("escalation", "0004_firing_acknowledged"), ("notifications", "0012_channel_twin_actions")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

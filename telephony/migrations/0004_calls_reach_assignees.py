"""Missed-call and voicemail actions address the employees who missed the call as "assignees", the
recipient kind tasks and approvals use, instead of the ticketless special meaning "responsible"
had for these events. Installed actions (shipped or made by a technologist) that used
"responsible" are switched over; nothing else about them changes."""

from __future__ import annotations

from django.db import migrations

EVENTS = ("telephony.missed_call", "telephony.voicemail")


def forwards(apps, schema_editor):
    EventAction = apps.get_model("notifications", "EventAction")
    EventAction.objects.filter(event__in=EVENTS, to_responsible=True).update(to_responsible=False, to_assignees=True)
    # 0002 skipped the shipped actions where "assignees" did not exist yet in its state.
    from notifications.defaults import install
    from telephony.defaults import PUSH_DEFAULTS

    install(apps, PUSH_DEFAULTS)


def backwards(apps, schema_editor):
    EventAction = apps.get_model("notifications", "EventAction")
    EventAction.objects.filter(event__in=EVENTS, to_assignees=True).update(to_responsible=True, to_assignees=False)


class Migration(migrations.Migration):
    dependencies = [
        ("telephony", "0003_callback_ticket_names"),
        ("notifications", "0003_escalation_recipients"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]

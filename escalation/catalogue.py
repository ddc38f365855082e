"""The escalation events of the notification catalogue and their placeholders."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from notifications import catalogue, work_items
from notifications.catalogue import EventSpec, register_event, register_group

from .models import EVENT_APPROVAL, EVENT_TASK, EVENT_TICKET

GROUP = "escalation"
ESCALATION_PLACEHOLDERS = ("TIME_LEFT", "OVERDUE_BY", "ESCALATION_LEVEL")
LABELS = {
    "TIME_LEFT": _("Working time left until the deadline"),
    "OVERDUE_BY": _("Working time past the deadline"),
    "ESCALATION_LEVEL": _("Escalation level"),
    "SLA_CLOCK": _("Which time: reaction or resolution"),
}


def register() -> None:
    register_group(GROUP, _("Deadlines and escalation"))
    ticket = catalogue.TICKET_PLACEHOLDERS
    register_event(
        EventSpec(
            EVENT_TICKET, _("Ticket deadline (escalation)"), GROUP, (*ticket, *ESCALATION_PLACEHOLDERS, "SLA_CLOCK")
        ),
        LABELS,
    )
    register_event(
        EventSpec(
            EVENT_TASK,
            _("Task deadline (escalation)"),
            GROUP,
            (*ticket, *work_items.TASK_PLACEHOLDERS, *ESCALATION_PLACEHOLDERS),
        ),
        LABELS,
    )
    register_event(
        EventSpec(
            EVENT_APPROVAL,
            _("Approval deadline (escalation)"),
            GROUP,
            (*ticket, *work_items.APPROVAL_PLACEHOLDERS, *ESCALATION_PLACEHOLDERS),
        ),
        LABELS,
    )

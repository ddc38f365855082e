"""The demo shows SLA at work: rules per priority, the production calendar, tasks and an approval,
tickets late and about to be late, and escalations that fire in the first minutes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from escalation.services import fire_due_escalations
from servicedesk.models import Approval, Priority, SlaRule, Ticket, TicketTask
from servicedesk.services.sla_view import State, clock_views

pytestmark = pytest.mark.django_db


def test_demo_has_rules_work_items_and_deadlines_about_to_pass() -> None:
    call_command("load_demo")
    rules = SlaRule.objects.filter(agreement__is_base=True, kind="resolution")
    assert sorted(p for rule in rules for p in rule.priorities) == [1, 2, 3, 4]
    assert Ticket.objects.get(subject__startswith="Не открывается CRM").priority == Priority.CRITICAL
    assert TicketTask.objects.filter(is_mandatory=True).exists() and Approval.objects.filter(status="pending").exists()
    now = timezone.now()
    states = [clock_views(t, now)[1].state for t in Ticket.objects.select_related("agreement__schedule")]
    assert State.OVERDUE in states and State.LATE in states and State.RUNNING in states
    near = Ticket.objects.get(subject__startswith="Не открывается CRM")
    assert now < near.resolution_deadline < now + dt.timedelta(minutes=10)
    assert fire_due_escalations(limit=1000).fired > 0  # the first tick already has work
    later = fire_due_escalations(now=near.resolution_deadline + dt.timedelta(seconds=1), limit=1000)
    assert later.fired >= 1  # the 100 % level of the near ticket, minutes after loading

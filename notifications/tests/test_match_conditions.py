"""Each condition of an event action: an empty one matches anything, a set one only its values."""

from __future__ import annotations

import pytest

from notifications import catalogue
from notifications.models import Channel, Notification
from notifications.tests.factories import make_action, new_ticket, only_actions
from servicedesk.models import Agreement, Priority, TicketStatus
from servicedesk.services.tickets import add_comment, change_status


def _comment(cast, committed, **ticket_fields) -> int:
    with committed():
        ticket = new_ticket(cast, **ticket_fields)
        add_comment(ticket=ticket, actor=cast.operator.user, body="hello")
    return Notification.objects.filter(user=cast.second_line.user).count()


@pytest.mark.django_db
@pytest.mark.parametrize("matching", [True, False])
@pytest.mark.parametrize("condition", ["ticket_types", "services", "priorities", "teams", "agreements"])
def test_condition_lets_through_only_its_values(cast, committed, condition, matching):
    other_agreement = Agreement.objects.create(name="VIP", name_en="VIP")
    values = {
        "ticket_types": ([cast.incident], [cast.request]),
        "services": ([cast.email_service], [cast.printer_service]),
        "priorities": ([Priority.HIGH], [Priority.LOW]),
        "teams": ([cast.team], [cast.other_team]),
        "agreements": ([cast.base_agreement], [other_agreement]),
    }[condition]
    action = make_action(
        catalogue.COMMENT_PUBLIC, Channel.PUSH, to_responsible=True, **{condition: values[0] if matching else values[1]}
    )
    only_actions(action)
    assert _comment(cast, committed, priority=Priority.HIGH) == (1 if matching else 0)


@pytest.mark.django_db
def test_empty_conditions_match_any_ticket(cast, committed):
    only_actions(make_action(catalogue.COMMENT_PUBLIC, Channel.PUSH, to_responsible=True))
    assert _comment(cast, committed, priority=Priority.LOW, service=None, responsible_team=None) == 1


@pytest.mark.django_db
def test_status_condition_reacts_to_the_chosen_new_status_only(cast, committed):
    action = make_action(
        catalogue.TICKET_STATUS_CHANGED, Channel.PUSH, to_responsible=True, statuses=[TicketStatus.WAITING]
    )
    only_actions(action)
    with committed():
        ticket = new_ticket(cast)
        change_status(ticket=ticket, actor=cast.operator.user, status=TicketStatus.IN_PROGRESS)
    assert not Notification.objects.exists()
    with committed():
        change_status(ticket=ticket, actor=cast.operator.user, status=TicketStatus.WAITING)
    assert Notification.objects.get().event == catalogue.TICKET_STATUS_CHANGED


@pytest.mark.django_db
def test_status_change_to_resolved_raises_the_resolved_event_too(cast, committed):
    changed = make_action(catalogue.TICKET_STATUS_CHANGED, Channel.PUSH, to_responsible=True)
    resolved = make_action(catalogue.TICKET_RESOLVED, Channel.EMAIL, to_responsible=True)
    only_actions(changed, resolved)
    with committed():
        ticket = new_ticket(cast)
        change_status(ticket=ticket, actor=cast.operator.user, status=TicketStatus.RESOLVED, comment="Done")
    from notifications.models import Occurrence

    assert sorted(Occurrence.objects.values_list("event", flat=True)) == [
        catalogue.TICKET_RESOLVED,
        catalogue.TICKET_STATUS_CHANGED,
    ]

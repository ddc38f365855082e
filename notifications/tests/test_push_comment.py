from __future__ import annotations

import pytest

from notifications import catalogue
from notifications.models import Channel, Notification
from notifications.tests.factories import make_action, new_ticket, only_actions
from servicedesk.services.tickets import add_comment


@pytest.mark.django_db(transaction=True)
def test_public_comment_reaches_responsible_as_in_app_row(cast):
    action = make_action(catalogue.COMMENT_PUBLIC, Channel.PUSH, to_responsible=True)
    only_actions(action)
    ticket = new_ticket(cast)
    add_comment(ticket=ticket, actor=cast.operator.user, body="Please check the cable")
    rows = list(Notification.objects.all())
    assert [(n.user_id, n.title) for n in rows] == [(cast.second_line.user_id, f"[{ticket.pk}] ru Printer on fire")]

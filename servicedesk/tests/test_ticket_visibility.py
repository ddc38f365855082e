from __future__ import annotations

from servicedesk import permissions
from servicedesk.services.tickets import create_ticket
from servicedesk.testing.cast import Cast


def test_who_sees_which_ticket(cast: Cast) -> None:
    mine = create_ticket(
        actor=None, ticket_type=cast.incident, subject="team", requester_contact=cast.client, responsible_team=cast.team
    )
    other = create_ticket(
        actor=None,
        ticket_type=cast.incident,
        subject="other",
        requester_contact=cast.outsider,
        responsible_team=cast.other_team,
    )
    assert set(permissions.visible_tickets(cast.operator.user)) == {mine, other}
    assert set(permissions.visible_tickets(cast.auditor.user)) == {mine, other}
    assert set(permissions.visible_tickets(cast.second_line.user)) == {mine}
    assert set(permissions.visible_tickets(cast.client.user)) == {mine}
    assert set(permissions.visible_tickets(cast.outsider.user)) == {other}
    assert permissions.can_edit_ticket(cast.second_line.user, mine)
    assert not permissions.can_edit_ticket(cast.second_line.user, other)
    assert not permissions.can_edit_ticket(cast.auditor.user, mine)
    assert not permissions.is_operator(cast.client.user)

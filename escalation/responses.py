"""What a person answers to an escalation alert: "Acknowledge" (I have seen it, recorded on the
firing and shown in the escalation journal). Offered as a button under Telegram messages of the
escalation events, registered with the Telegram channel at start-up, so notifications never import
escalation. It needs the right to change the ticket the alert is about, as on the ticket card.
("Snooze", the alert again in a while, belongs to notifications: `notifications.telegram.buttons`.)
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk import permissions
from servicedesk.models import User

from .models import EscalationFiring


def _firing_for(actor: User, level_id: int, object_id: int) -> EscalationFiring:
    firing = (
        EscalationFiring.objects.select_related("level__scheme", "ticket")
        .filter(level_id=level_id, object_id=object_id)
        .first()
    )
    if firing is None:
        raise ValidationError(_("This escalation no longer exists."))
    ticket = firing.ticket
    if ticket is None or not permissions.is_operator(actor) or not permissions.can_edit_ticket(actor, ticket):
        raise PermissionDenied
    return firing


def acknowledge(*, actor: User, level_id: int, object_id: int) -> EscalationFiring:
    """Record that `actor` has seen the alert; the first acknowledgement stays."""
    firing = _firing_for(actor, level_id, object_id)
    EscalationFiring.objects.filter(pk=firing.pk, acknowledged_at__isnull=True).update(
        acknowledged_by=actor, acknowledged_at=timezone.now()
    )
    firing.refresh_from_db()
    return firing


def _acknowledge_button(actor: User, arguments: list[str]) -> str:
    acknowledge(actor=actor, level_id=int(arguments[0]), object_id=int(arguments[1]))
    return _("Acknowledged.")


def register() -> None:
    from notifications.telegram import buttons

    buttons.register("ack", lambda: _("Acknowledge"), _acknowledge_button)

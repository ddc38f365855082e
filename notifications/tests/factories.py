"""Small builders shared by the notification tests (the cast itself lives in servicedesk.testing)."""

from __future__ import annotations

from notifications.models import Channel, EventAction
from servicedesk.models import Ticket
from servicedesk.services.tickets import create_ticket
from servicedesk.testing.cast import Cast


def only_actions(*actions: EventAction) -> None:
    """Disable every shipped action except `actions`, so a test sees exactly what it set up."""
    EventAction.objects.exclude(pk__in=[a.pk for a in actions]).update(enabled=False)


def make_action(event: str, channel: str = Channel.EMAIL, **fields: object) -> EventAction:
    defaults: dict[str, object] = {
        "name": f"test {event} {channel}",
        "event": event,
        "channel": channel,
        "subject_en": "[TICKET_NUMBER] TICKET_SUBJECT",
        "body_en": "Body for RECIPIENT_NAME: TICKET_STATUS",
        "subject_ru": "[TICKET_NUMBER] ru TICKET_SUBJECT",
        "body_ru": "Текст для RECIPIENT_NAME: TICKET_STATUS",
    }
    m2m = {
        key: fields.pop(key) for key in ("ticket_types", "services", "teams", "agreements", "groups") if key in fields
    }
    defaults.update(fields)
    action = EventAction.objects.create(**defaults)
    for key, values in m2m.items():
        getattr(action, key).set(values)  # type: ignore[arg-type]
    return action


def new_ticket(cast: Cast, **fields: object) -> Ticket:
    params: dict[str, object] = {
        "actor": cast.operator.user,
        "ticket_type": cast.incident,
        "subject": "Printer on fire",
        "service": cast.email_service,
        "requester_contact": cast.client,
        "responsible_employee": cast.second_line,
        "responsible_team": cast.team,
    }
    params.update(fields)
    return create_ticket(**params)  # type: ignore[arg-type]

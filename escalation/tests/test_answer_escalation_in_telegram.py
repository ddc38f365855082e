"""An escalation alert in Telegram carries "Take", "Acknowledge" and "Snooze": acknowledging is
recorded on the firing, snoozing brings the same alert back to that person alone later."""

from __future__ import annotations

import pytest

from escalation import schemes
from escalation.models import EscalationFiring, EscalationLevel, Target
from escalation.services import fire_due_escalations
from notifications.models import EventAction, Occurrence
from notifications.tasks import fan_out_due
from notifications.telegram import linking
from notifications.telegram.updates import poll_once
from notifications.tests.conftest import bot_api  # noqa: F401  (the local Bot API fixture)
from notifications.tests.factories import make_action
from servicedesk.services.tickets import create_ticket

from .conftest import at, msk, use_office_hours

pytestmark = pytest.mark.django_db
CHAT = 880001


def _keys(message: dict) -> dict[str, str]:
    return {
        key["text"]: key.get("callback_data", "") for row in message["reply_markup"]["inline_keyboard"] for key in row
    }


def _press(api, data: str) -> str:
    api.calls.clear()
    api.user_presses(CHAT, data)
    assert poll_once(timeout=0) == 1
    return api.sent("answerCallbackQuery")[0]["text"]


def test_acknowledge_and_snooze_an_escalation(cast, bot_api, committed):  # noqa: F811
    action = make_action(
        "escalation.ticket",
        "telegram",
        to_responsible=True,
        subject_ru="Эскалация TICKET_NUMBER",
        body_ru="ESCALATION_LEVEL",
    )
    level = EscalationLevel.objects.get(scheme__target=Target.TICKET_RESOLUTION, percent=50, scheme__enabled=True)
    level.notify.set([action])
    # Only this level's alert: the shipped Telegram twins of the other levels stay quiet.
    EventAction.objects.filter(channel="telegram").exclude(pk=action.pk).update(enabled=False)
    level.hold_to_working_hours = False
    level.save()
    schemes.forget()
    account = linking.start_link(user=cast.second_line.user)
    bot_api.user_sends(CHAT, account.code)
    poll_once(timeout=0)
    use_office_hours(cast)
    with at(msk(11, 23, 9)):
        ticket = create_ticket(
            actor=None,
            ticket_type=cast.incident,
            subject="Упал сервер",
            requester_contact=cast.client,
            responsible_employee=cast.second_line,
            responsible_team=cast.team,
        )
    bot_api.calls.clear()
    with at(msk(11, 23, 13)), committed():
        fire_due_escalations()
    (alert,) = bot_api.sent()
    keys = _keys(alert)
    assert set(keys) == {"Взять", "Принять к сведению", "Отложить на 30 мин"}
    firing = EscalationFiring.objects.get(level=level, object_id=ticket.pk)

    with at(msk(11, 23, 13, 5)):
        assert _press(bot_api, keys["Принять к сведению"]) == "Принято."
    firing.refresh_from_db()
    assert (firing.acknowledged_by, firing.acknowledged_at) == (cast.second_line.user, msk(11, 23, 13, 5))

    with at(msk(11, 23, 13, 6)):
        assert _press(bot_api, keys["Отложить на 30 мин"]) == "Отложено: напоминание придёт 23.11.2026 13:36."
    again = Occurrence.objects.get(data__snoozed_from__isnull=False)
    assert again.next_attempt_at == msk(11, 23, 13, 36)
    bot_api.calls.clear()
    with at(msk(11, 23, 13, 36)), committed():
        fan_out_due()
    (repeat,) = bot_api.sent()
    assert repeat["chat_id"] == CHAT and repeat["text"] == alert["text"]


def test_only_a_recipient_may_snooze_and_only_an_editor_acknowledge(cast, bot_api):  # noqa: F811
    account = linking.start_link(user=cast.technologist)
    bot_api.user_sends(CHAT, account.code)
    poll_once(timeout=0)
    occurrence = Occurrence.objects.create(event="escalation.ticket", data={"level_id": 1, "object_id": 1})
    assert _press(bot_api, f"snooze:{occurrence.pk}") in ("Вам это не разрешено.", "You may not do this.")
    assert _press(bot_api, "ack:999:1") in ("Этой эскалации больше нет.", "This escalation no longer exists.")

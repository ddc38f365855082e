"""Pressing "Take" under a Telegram message acts through the ticket services as the linked
employee, with that employee's rights; the answer appears under the message."""

from __future__ import annotations

import pytest

from notifications import catalogue
from notifications.telegram import linking
from notifications.telegram.updates import poll_once
from notifications.tests.factories import make_action, new_ticket, only_actions
from servicedesk.models import TicketHistory, TicketStatus

CHAT = 777001


def _link(user, bot_api, chat: int) -> None:
    account = linking.start_link(user=user)
    bot_api.user_sends(chat, f"/start {account.code}")
    poll_once(timeout=0)
    bot_api.calls.clear()


def _press(bot_api, chat: int, data: str) -> str:
    bot_api.calls.clear()
    bot_api.user_presses(chat, data)
    assert poll_once(timeout=0) == 1
    (answer,) = bot_api.sent("answerCallbackQuery")
    return answer["text"]


@pytest.mark.django_db
def test_take_makes_the_linked_employee_responsible_and_starts_work(cast, bot_api, committed):
    only_actions(make_action(catalogue.TICKET_REGISTERED_OPERATOR, "telegram", to_team=True))
    _link(cast.second_line_peer.user, bot_api, CHAT)
    with committed():
        ticket = new_ticket(cast, responsible_employee=None, responsible_team=cast.other_team)
    (message,) = bot_api.sent()
    (take,) = [key for row in message["reply_markup"]["inline_keyboard"] for key in row]
    answer = _press(bot_api, CHAT, take["callback_data"])
    ticket.refresh_from_db()
    assert (ticket.responsible_employee, ticket.status) == (cast.second_line_peer, TicketStatus.IN_PROGRESS)
    assert answer == f"Заявка {ticket.pk} теперь ваша и в работе."
    assert TicketHistory.objects.filter(ticket=ticket, actor=cast.second_line_peer.user).exists()


@pytest.mark.django_db
def test_take_is_refused_without_the_right_to_change_the_ticket(cast, bot_api):
    ticket = new_ticket(cast)
    _link(cast.technologist, bot_api, CHAT)  # reads every ticket, changes none
    assert _press(bot_api, CHAT, f"take:{ticket.pk}") in ("Вам это не разрешено.", "You may not do this.")
    ticket.refresh_from_db()
    assert ticket.responsible_employee == cast.second_line


@pytest.mark.django_db
def test_unlinked_chat_and_unknown_button_do_nothing(cast, bot_api):
    ticket = new_ticket(cast)
    answer = _press(bot_api, 424242, f"take:{ticket.pk}")
    assert "not linked" in answer or "не связан" in answer
    _link(cast.second_line.user, bot_api, CHAT)
    assert _press(bot_api, CHAT, "format-disk:1") in ("Эта кнопка больше не работает.", "This button no longer works.")

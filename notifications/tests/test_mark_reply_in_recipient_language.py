"""The reply marker at the top of ticket mail is in each recipient's language (issue 11, point 13),
and a reply is trimmed at whichever marker it quotes."""

from __future__ import annotations

import pytest

from mailconf.models import OutboxMessage
from mailconf.parsing import REPLY_MARKERS, trim_reply
from notifications import catalogue
from notifications.models import Channel
from notifications.tests.factories import make_action, new_ticket, only_actions
from servicedesk.services.tickets import add_comment, add_watcher

pytestmark = pytest.mark.django_db(transaction=True)


def test_each_recipient_reads_the_marker_in_their_language(cast) -> None:
    body = {"body_ru": "Новый комментарий", "body_en": "New comment"}
    only_actions(make_action(catalogue.COMMENT_PUBLIC, Channel.EMAIL, to_responsible=True, to_watchers=True, **body))
    ticket = new_ticket(cast)  # responsible: the second-line specialist (Russian)
    add_watcher(ticket=ticket, actor=cast.operator.user, employee=cast.second_line_peer)
    cast.second_line_peer.language = "en"
    cast.second_line_peer.save(update_fields=["language"])

    add_comment(ticket=ticket, actor=cast.operator.user, body="Проверяем")

    by_address = {m.to_display: m for m in OutboxMessage.objects.all()}
    russian, english = by_address[cast.second_line.email], by_address[cast.second_line_peer.email]
    assert russian.text.startswith("##- Введите ответ выше этой строки -##")
    assert "Please type your reply" not in russian.text
    assert english.text.startswith("##- Please type your reply above this line -##")
    assert "Введите ответ" not in english.text


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_reply_is_trimmed_at_either_marker(language: str) -> None:
    reply = f"Спасибо, заработало.\n\n{REPLY_MARKERS[language]}\nНовый комментарий службы поддержки"
    assert trim_reply(reply).strip() == "Спасибо, заработало."

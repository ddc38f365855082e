"""An event ends as a rendered e-mail in a real SMTP server: subject, body, footer, signature,
our origin header and the ticket's thread."""

from __future__ import annotations

import pytest

from mailconf.models import OutboxMessage
from mailconf.parsing import ORIGIN_HEADER, REPLY_MARKERS
from notifications import catalogue
from notifications.tests.conftest import SIGNATURE
from notifications.tests.factories import make_action, new_ticket, only_actions
from servicedesk.services.tickets import add_comment


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


@pytest.mark.django_db(transaction=True)
def test_public_comment_mail_arrives_rendered_threaded_and_signed(cast, smtp, outgoing):
    action = make_action(
        catalogue.COMMENT_PUBLIC,
        to_requester=True,
        subject_ru="Комментарий к заявке №TICKET_NUMBER: TICKET_SUBJECT",
        body_ru="COMMENT_AUTHOR пишет:\nCOMMENT_TEXT\nСтатус: TICKET_STATUS",
        footer_ru="Заявка: TICKET_URL",
        html_ru="<p><b>COMMENT_AUTHOR</b>: COMMENT_TEXT</p>",
    )
    only_actions(action)
    ticket = new_ticket(cast, subject="Не печатает принтер")
    add_comment(ticket=ticket, actor=cast.operator.user, body="Замените картридж <b>сегодня</b>")
    add_comment(ticket=ticket, actor=cast.operator.user, body="Второй ответ")

    first, second = smtp.plain.wait_for_messages(2)
    assert first.rcpt_tos == ["kirill@romashka.example"]
    message = first.parsed()
    subject = f"[#{ticket.pk}] Комментарий к заявке №{ticket.pk}: Не печатает принтер"
    assert OutboxMessage.objects.order_by("pk").first().subject == subject
    assert message["Subject"] == subject
    text = _text(message)
    assert text.startswith(REPLY_MARKERS["ru"])  # the requester reads Russian
    assert "Иванова Анна пишет:\nЗамените картридж <b>сегодня</b>\nСтатус: " in text
    assert f"Заявка: http://127.0.0.1:8000/tickets/{ticket.pk}/" in text
    assert text.rstrip().endswith(SIGNATURE.splitlines()[-1])
    assert "-- \n" + SIGNATURE.splitlines()[0] in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Замените картридж &lt;b&gt;сегодня&lt;/b&gt;" in html
    assert message[ORIGIN_HEADER] == "notification"
    assert message["Auto-Submitted"] == "auto-generated"

    reply = second.parsed()
    assert reply["In-Reply-To"] == message["Message-ID"]
    assert message["Message-ID"] in reply["References"]


@pytest.mark.django_db(transaction=True)
def test_header_injection_through_user_text_goes_nowhere(cast, smtp, outgoing):
    action = make_action(
        catalogue.COMMENT_PUBLIC,
        to_requester=True,
        subject_ru="Re: COMMENT_TEXT",
        body_ru="COMMENT_TEXT",
        html_ru="<p>COMMENT_TEXT</p>",
    )
    only_actions(action)
    ticket = new_ticket(cast)
    evil = "hi\r\nBcc: victim@evil.example\r\nX-Injected: yes\n\n<img src=x onerror=alert(1)>"
    add_comment(ticket=ticket, actor=cast.operator.user, body=evil)
    [received] = smtp.plain.wait_for_messages(1)
    assert received.rcpt_tos == ["kirill@romashka.example"]
    message = received.parsed()
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert "\n" not in message["Subject"] and message["Subject"].startswith(f"[#{ticket.pk}] Re: hi Bcc:")
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html

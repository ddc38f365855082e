"""The project's EMAIL_BACKEND puts Django's (and any third-party app's) mail in the outbox."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail

from mailconf.models import OutboxMessage

pytestmark = pytest.mark.django_db
BACKEND = "mailconf.outbox.backend.OutboxEmailBackend"


def test_send_mail_becomes_an_outbox_row_and_is_delivered(
    outgoing, smtp, settings, django_capture_on_commit_callbacks
) -> None:
    settings.EMAIL_BACKEND = BACKEND
    outgoing()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_mail("Password reset", "Follow the link", "ignored@example.test", ["user@example.test"]) == 1
    row = OutboxMessage.objects.get()
    assert row.kind == "system" and row.status == "sent" and row.subject == "Password reset"
    (received,) = smtp.plain.wait_for_messages(1)
    assert received.mail_from == "desk@example.test", "sent as the configured system address"


def test_alternatives_attachments_and_bcc(outgoing, smtp, settings, django_capture_on_commit_callbacks) -> None:
    settings.EMAIL_BACKEND = BACKEND
    outgoing()
    message = EmailMultiAlternatives(
        "Report", "text", to=["a@example.test"], bcc=["hidden@example.test"], connection=mail.get_connection(BACKEND)
    )
    message.attach_alternative("<p>html</p>", "text/html")
    message.attach("данные.csv", "a;b\n1;2\n", "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        message.send()
    (received,) = smtp.plain.wait_for_messages(1)
    parsed = received.parsed()
    assert sorted(received.rcpt_tos) == ["a@example.test", "hidden@example.test"]
    assert "hidden" not in received.raw.decode()
    assert parsed.get_body(("html",)).get_content().strip() == "<p>html</p>"
    assert [a.get_filename() for a in parsed.iter_attachments()] == ["данные.csv"]


def test_default_backend_setting_is_the_outbox() -> None:
    from servicedesk import settings as project_settings

    assert project_settings.EMAIL_BACKEND == BACKEND

"""An employee reaches only their own mailbox: every id of someone else's folder, message or
attachment answers 404 (as a missing one does), and no action works on it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from personalmail.models import PersonalAttachment
from servicedesk.testing.cast import PASSWORD

from .conftest import make_mail

pytestmark = pytest.mark.django_db


def test_another_employee_cannot_reach_the_mailbox_by_guessing_urls(
    client, employee, other_employee, connect, mail_servers
):
    dovecot, _smtp = mail_servers
    dovecot.deliver("user1", make_mail("Private", attachment=("salary.xlsx", b"secret numbers")))
    mailbox = connect(employee)
    message = mailbox.messages.get()
    attachment = PersonalAttachment.objects.get(message=message)
    folder = message.folder

    client.login(username=other_employee.username, password=PASSWORD)
    own = client.get(reverse("personalmail:index")).content.decode()
    assert "Private" not in own and "Connect mail" in own
    for url in (
        reverse("personalmail:folder", args=[folder.pk]),
        reverse("personalmail:message", args=[message.pk]),
        reverse("personalmail:attachment", args=[attachment.pk]),
    ):
        assert client.get(url).status_code == 404, url
    for url in (reverse("personalmail:mark", args=[message.pk]), reverse("personalmail:link", args=[message.pk])):
        assert client.post(url, {"seen": "1", "ticket": "1"}).status_code == 404, url
    connect(other_employee, "user2")
    assert client.get(reverse("personalmail:compose") + f"?reply={message.pk}&mode=forward").status_code == 404
    # Deleting "the" account deletes the caller's own mailbox, never the other one.
    client.post(reverse("personalmail:delete"))
    mailbox.refresh_from_db()
    message.refresh_from_db()

    client.logout()
    client.login(username=employee.username, password=PASSWORD)
    response = client.get(reverse("personalmail:attachment", args=[attachment.pk]))
    assert b"".join(response.streaming_content) == b"secret numbers"


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("personalmail:index"))
    assert response.status_code == 302 and "login" in response["Location"]

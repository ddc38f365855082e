"""The "pop-ups in the mobile app" switch: new personal mail also goes as Web Push to every browser
the owner subscribed (a local push service), and not when the switch is off."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from notifications import webpush
from notifications.models import Dispatch
from notifications.tests.pushservice import BrowserKeys, PushService
from personalmail.models import PersonalMessage, Popups
from personalmail.services.sync import sync_mailbox

from .conftest import make_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def push_service():
    service = PushService().start()
    yield service
    service.stop()


def _subscribe(user, push_service, name: str) -> BrowserKeys:
    browser = BrowserKeys()
    webpush.subscribe(
        user=user, endpoint=push_service.endpoint(name), p256dh=browser.p256dh, auth=browser.auth, device=name
    )
    return browser


def test_new_mail_reaches_the_phone_and_the_switch_stops_it(
    employee, connect, mail_servers, push_service, django_capture_on_commit_callbacks
):
    dovecot, _smtp = mail_servers
    phone = _subscribe(employee, push_service, "phone")
    mailbox = connect(employee)
    assert not push_service.received  # the initial load is not "new"
    mailbox.popups = Popups.SILENT  # the phone follows its own switch
    mailbox.save()
    dovecot.deliver("user1", make_mail("Contract draft", sender="Борис Партнёров <boris@partner.example>"))
    with django_capture_on_commit_callbacks(execute=True):
        sync_mailbox(mailbox.pk, force=True)

    (arrived,) = push_service.at("phone")
    pushed = phone.decrypt(arrived.body)
    message = PersonalMessage.objects.get(subject="Contract draft")
    assert "Борис Партнёров" in pushed["title"] and pushed["body"] == "Contract draft"
    assert pushed["url"] == settings.SITE_URL + reverse("personalmail:message", args=[message.pk])
    assert list(Dispatch.objects.values_list("channel", "status")) == [("webpush", "sent")]

    mailbox.mobile_popups = Popups.SILENT
    mailbox.save()
    dovecot.deliver("user1", make_mail("Quiet"))
    with django_capture_on_commit_callbacks(execute=True):
        sync_mailbox(mailbox.pk, force=True)
    assert len(push_service.received) == 1 and Dispatch.objects.count() == 1

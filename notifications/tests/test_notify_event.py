"""Other apps raise catalogue events through notify_event(); the catalogue is open to new events."""

from __future__ import annotations

import pytest

from notifications import catalogue
from notifications.models import Channel, Delivery, Notification
from notifications.services import notify_event
from notifications.tests.factories import make_action, only_actions


@pytest.mark.django_db
def test_mail_connection_failing_reaches_technologists_with_context_values(cast, committed):
    cast.technologist.language = "ru"
    cast.technologist.save()
    with committed():
        notify_event(
            catalogue.MAIL_CONNECTION_FAILING,
            context={"MAIL_CONNECTION": "support@corp", "MAIL_ERROR": "LOGIN failed\r\nBcc: x@y"},
        )
    note = Notification.objects.get(user=cast.technologist)
    assert note.title == "Сбой почтового подключения support@corp"
    assert note.body == "LOGIN failed\r\nBcc: x@y"
    assert Delivery.objects.filter(channel=Channel.EMAIL, recipient="system@corp.example").exists()


@pytest.mark.django_db
def test_unknown_event_code_is_refused():
    with pytest.raises(ValueError, match="mail.nonsense"):
        notify_event("mail.nonsense", context={})


@pytest.mark.django_db
def test_another_app_registers_its_own_event_and_placeholders(cast, committed, monkeypatch):
    monkeypatch.setattr(catalogue, "_events", dict(catalogue._events))
    monkeypatch.setattr(catalogue, "_groups", dict(catalogue._groups))
    monkeypatch.setattr(catalogue, "PLACEHOLDER_LABELS", dict(catalogue.PLACEHOLDER_LABELS))
    cast.technologist.language = "ru"
    cast.technologist.save()
    catalogue.register_group("telephony", "Telephony")
    catalogue.register_event(
        catalogue.EventSpec(
            "call.missed", "Missed call", "telephony", ("NOTIFICATION_CALLERID", "VM_DUR"), ticket_bound=False
        ),
        {"NOTIFICATION_CALLERID": "Caller", "VM_DUR": "Voicemail length"},
    )
    only_actions(
        make_action(
            "call.missed",
            Channel.PUSH,
            groups=list(cast.technologist.groups.all()),
            subject_ru="Пропущен вызов от NOTIFICATION_CALLERID",
            body_ru="VM_DUR с",
        )
    )
    with committed():
        notify_event("call.missed", context={"NOTIFICATION_CALLERID": '"Alexey" <101>', "VM_DUR": "15"})
    note = Notification.objects.get()
    assert (note.title, note.body) == ('Пропущен вызов от "Alexey" <101>', "15 с")

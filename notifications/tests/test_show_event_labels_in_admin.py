"""The technologist's notification and event-journal lists name events by their labels, in the
column and in the filter; the plain field filter listed raw codes ("ticket.assigned")."""

from __future__ import annotations

import pytest
from django.test import Client

from notifications.models import Notification, Occurrence
from servicedesk.testing.cast import Cast

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/admin/notifications/notification/", "/admin/notifications/occurrence/"])
def test_events_show_as_labels(cast: Cast, url: str) -> None:
    Notification.objects.create(user=cast.operator.user, event="ticket.assigned", title="Заявка №1 назначена")
    Notification.objects.create(user=cast.operator.user, event="digest", title="Сводка: 2 уведомления")
    Occurrence.objects.create(event="digest")
    Occurrence.objects.create(event="ticket.assigned")
    client = Client()
    client.force_login(cast.technologist)
    client.cookies["django_language"] = "ru"
    response = client.get(url)
    page = response.content.decode()
    assert 'field-event_label">Назначен ответственный или команда<' in page
    labels = [str(label) for _code, label in response.context["cl"].filter_specs[0].lookup_choices]
    assert "Назначен ответственный или команда" in labels
    assert not [label for label in labels if "." in label]  # no "ticket.assigned"
    filtered = client.get(url, {"event": "ticket.assigned"})
    assert filtered.status_code == 200
    assert {row.event for row in filtered.context["cl"].result_list} == {"ticket.assigned"}

"""The technologist's editor: unknown placeholders refused by name, turn off / on, copy, preview
from a real ticket, and "send test" through the outbox."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mailconf.models import OutboxMessage
from notifications import catalogue
from notifications.forms import EventActionForm
from notifications.models import Channel, EventAction
from notifications.tests.factories import make_action, new_ticket
from servicedesk.services.tickets import add_comment
from servicedesk.testing.cast import PASSWORD


def _form_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Comment mail",
        "event": catalogue.COMMENT_PUBLIC,
        "channel": Channel.EMAIL,
        "enabled": "on",
        "to_requester": "on",
        "subject_ru": "Заявка TICKET_NUMBER",
        "body_ru": "COMMENT_TEXT",
        "subject_en": "Ticket TICKET_NUMBER",
        "body_en": "COMMENT_TEXT",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_known_placeholders_are_accepted():
    form = EventActionForm(data=_form_data(footer_en="DEADLINE TICKET_URL", html_en="<b>COMMENT_AUTHOR</b>"))
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_unknown_placeholders_are_refused_naming_them():
    form = EventActionForm(
        data=_form_data(
            body_ru="COMMENT_TEXT TICKET_OWNER",
            subject_en="Ticket TICKET_NUMBER WATCHER_NAME",
            event=catalogue.COMMENT_PUBLIC,
        )
    )
    assert not form.is_valid()
    assert "TICKET_OWNER" in str(form.errors["body_ru"])
    # A real placeholder of another event is an error here too.
    assert "WATCHER_NAME" in str(form.errors["subject_en"])


@pytest.mark.django_db
def test_placeholder_list_of_the_chosen_event_is_shown(cast, client):
    action = make_action(catalogue.WATCHER_ADDED)
    client.login(username="system", password=PASSWORD)
    html = client.get(reverse("admin:notifications_eventaction_change", args=[action.pk])).content.decode()
    visible = html.split(f'data-event="{catalogue.WATCHER_ADDED}"')[1].split("</ul>")[0]
    assert "WATCHER_NAME" in visible and "COMMENT_TEXT" not in visible and "hidden" not in visible.split(">")[0]


@pytest.mark.django_db
def test_row_button_turns_an_action_off_and_on(cast, client):
    action = EventAction.objects.get(code="comment-public-email")
    client.login(username="system", password=PASSWORD)
    changelist = client.get(reverse("admin:notifications_eventaction_changelist")).content.decode()
    assert "Turn off" in changelist
    url = reverse("admin:notifications_eventaction_toggle", args=[action.pk])
    client.post(url)
    action.refresh_from_db()
    assert action.enabled is False
    client.post(url)
    action.refresh_from_db()
    assert action.enabled is True


@pytest.mark.django_db
def test_copy_action_duplicates_a_disabled_action_with_its_settings(cast, client):
    action = make_action(catalogue.COMMENT_PUBLIC, teams=[cast.team], to_watchers=True)
    client.login(username="system", password=PASSWORD)
    client.post(
        reverse("admin:notifications_eventaction_changelist"), {"action": "copy", "_selected_action": [action.pk]}
    )
    copy = EventAction.objects.exclude(pk=action.pk).get(name__startswith=action.name)
    assert copy.enabled is False and copy.to_watchers and list(copy.teams.all()) == [cast.team]
    assert copy.body_en == action.body_en


@pytest.mark.django_db
def test_preview_renders_from_a_chosen_ticket_and_send_test_uses_the_outbox(cast, client, outgoing, committed):
    action = EventAction.objects.get(code="comment-public-email")
    with committed():
        ticket = new_ticket(cast, subject="Printer <jammed>")
        add_comment(ticket=ticket, actor=cast.operator.user, body="Paper stuck")
    client.login(username="system", password=PASSWORD)
    url = reverse("admin:notifications_eventaction_preview", args=[action.pk])
    html = client.get(url, {"ticket": ticket.pk, "language": "en", "to": "system@corp.example"}).content.decode()
    assert f"New comment on ticket #{ticket.pk}: Printer &lt;jammed&gt;" in html
    assert "Paper stuck" in html and "ООО Сервис" in html  # signature shown as it will be sent
    OutboxMessage.objects.all().delete()
    with committed():
        client.post(url, {"ticket": ticket.pk, "language": "en", "to": "system@corp.example"})
    test = OutboxMessage.objects.get()
    assert test.kind == "test" and list(test.recipients) == ["system@corp.example"]
    assert test.subject == f"[#{ticket.pk}] New comment on ticket #{ticket.pk}: Printer <jammed>"
    assert "Paper stuck" in test.text


@pytest.mark.django_db
def test_operators_cannot_open_event_actions(cast, client):
    client.login(username="operator", password=PASSWORD)
    response = client.get(reverse("admin:notifications_eventaction_changelist"))
    assert response.status_code in (302, 403)


@pytest.mark.django_db
def test_technologist_opens_the_add_form_and_the_event_journal(cast, client, committed):
    with committed():
        add_comment(ticket=new_ticket(cast), actor=cast.operator.user, body="note")
    client.login(username="system", password=PASSWORD)
    add = client.get(reverse("admin:notifications_eventaction_add"))
    assert add.status_code == 200 and 'data-event="comment.public"' in add.content.decode()
    journal = client.get(reverse("admin:notifications_occurrence_changelist"))
    assert journal.status_code == 200 and "comment.public" in journal.content.decode()


@pytest.mark.django_db
def test_saving_through_the_admin_refuses_then_accepts(cast, client):
    client.login(username="system", password=PASSWORD)
    url = reverse("admin:notifications_eventaction_add")
    data = _form_data(
        body_en="COMMENT_TEXT BOGUS_NAME", priorities=["1", "2"], teams=[cast.team.pk], addresses="a@corp.example"
    )
    refused = client.post(url, data)
    assert refused.status_code == 200 and "BOGUS_NAME" in refused.content.decode()
    data["body_en"] = "COMMENT_TEXT"
    assert client.post(url, data).status_code == 302
    action = EventAction.objects.get(name="Comment mail")
    assert action.priorities == [1, 2] and list(action.teams.all()) == [cast.team]

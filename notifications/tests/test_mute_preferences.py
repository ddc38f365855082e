"""An employee mutes a channel per event group; mandatory actions cannot be muted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications import catalogue, channels
from notifications.models import Channel, Notification, Preference
from notifications.tests.factories import make_action, new_ticket, only_actions
from servicedesk.services.tickets import add_comment
from servicedesk.testing.cast import PASSWORD


def _comment(cast, committed) -> None:
    with committed():
        add_comment(ticket=new_ticket(cast), actor=cast.operator.user, body="note")


@pytest.mark.django_db
def test_muted_group_and_channel_is_not_delivered(cast, committed):
    only_actions(make_action(catalogue.COMMENT_PUBLIC, Channel.PUSH, to_responsible=True))
    Preference.objects.create(user=cast.second_line.user, group=catalogue.GROUP_CONVERSATION, channel=Channel.PUSH)
    _comment(cast, committed)
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_muting_another_group_or_channel_changes_nothing(cast, committed):
    only_actions(make_action(catalogue.COMMENT_PUBLIC, Channel.PUSH, to_responsible=True))
    Preference.objects.create(user=cast.second_line.user, group=catalogue.GROUP_TICKETS, channel=Channel.PUSH)
    Preference.objects.create(user=cast.second_line.user, group=catalogue.GROUP_CONVERSATION, channel=Channel.EMAIL)
    _comment(cast, committed)
    assert Notification.objects.count() == 1


@pytest.mark.django_db
def test_mandatory_action_ignores_mutes_and_its_box_cannot_be_cleared(cast, committed, client):
    only_actions(make_action(catalogue.COMMENT_PUBLIC, Channel.PUSH, to_responsible=True, is_mandatory=True))
    client.login(username="line2", password=PASSWORD)
    client.post(reverse("notifications:preferences"), {"on": []})  # every box cleared
    muted = set(Preference.objects.filter(user=cast.second_line.user).values_list("group", "channel"))
    assert (catalogue.GROUP_CONVERSATION, Channel.PUSH) in muted  # what the form sent is kept...
    html = client.get(reverse("notifications:centre")).content.decode()
    assert f'value="{catalogue.GROUP_CONVERSATION}:push" aria-label' in html and "disabled" in html
    _comment(cast, committed)
    assert Notification.objects.count() == 1  # ...but a mandatory action is delivered anyway


@pytest.mark.django_db
def test_preferences_form_saves_unchecked_boxes_as_mutes(cast, client):
    client.login(username="line2", password=PASSWORD)
    kept = [f"{code}:{channel}" for code, _label in catalogue.group_choices() for channel in channels.codes()]
    kept.remove(f"{catalogue.GROUP_ASSIGNMENT}:email")
    client.post(reverse("notifications:preferences"), {"on": kept})
    assert list(Preference.objects.filter(user=cast.second_line.user).values_list("group", "channel")) == [
        (catalogue.GROUP_ASSIGNMENT, Channel.EMAIL)
    ]

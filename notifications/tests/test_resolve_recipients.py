"""Each recipient kind of an event action, de-duplication, and the author of the change."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from notifications import catalogue
from notifications.models import Channel, Delivery, Notification
from notifications.tests.factories import make_action, new_ticket, only_actions
from servicedesk import roles
from servicedesk.models import Employee
from servicedesk.services.tickets import add_comment, add_watcher


def _mail_recipients(cast, committed, actor=None, **flags) -> list[str]:
    only_actions(make_action(catalogue.COMMENT_PUBLIC, Channel.EMAIL, **flags))
    with committed():
        ticket = new_ticket(cast)
        add_watcher(ticket=ticket, actor=None, employee=cast.auditor)
        add_watcher(ticket=ticket, actor=None, email="Outside@Watcher.example")
        add_comment(ticket=ticket, actor=actor or cast.operator.user, body="note")
    rows = Delivery.objects.filter(status=Delivery.Status.QUEUED, channel=Channel.EMAIL)
    return sorted(rows.values_list("recipient", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ({"to_requester": True}, ["kirill@romashka.example"]),
        ({"to_responsible": True}, ["line2@corp.example"]),
        ({"to_team": True}, ["line2@corp.example"]),
        ({"to_watchers": True}, ["auditor@corp.example", "outside@watcher.example"]),
        ({"addresses": "boss@corp.example\nduty@corp.example"}, ["boss@corp.example", "duty@corp.example"]),
    ],
    ids=["requester", "responsible", "team", "watchers", "fixed"],
)
def test_recipient_kind(cast, committed, flags, expected):
    assert _mail_recipients(cast, committed, **flags) == expected


@pytest.mark.django_db
def test_agreement_recipients(cast, committed):
    cast.base_agreement.employees.add(cast.auditor)
    cast.base_agreement.contacts.add(cast.outsider)
    assert _mail_recipients(cast, committed, to_agreement_recipients=True) == [
        "auditor@corp.example",
        "x@outsider.example",
    ]


@pytest.mark.django_db
def test_user_groups(cast, committed):
    action = make_action(catalogue.COMMENT_PUBLIC, Channel.EMAIL, groups=[Group.objects.get(name=roles.TECHNOLOGIST)])
    only_actions(action)
    with committed():
        add_comment(ticket=new_ticket(cast), actor=cast.operator.user, body="note")
    assert list(Delivery.objects.values_list("recipient", flat=True)) == ["system@corp.example"]


@pytest.mark.django_db
def test_one_person_reached_through_two_kinds_gets_one_message(cast, committed):
    assert _mail_recipients(cast, committed, to_responsible=True, to_team=True) == ["line2@corp.example"]


@pytest.mark.django_db
def test_author_of_the_change_is_not_notified_unless_chosen(cast, committed):
    assert _mail_recipients(cast, committed, actor=cast.second_line.user, to_responsible=True, to_requester=True) == [
        "kirill@romashka.example"
    ]


@pytest.mark.django_db
def test_author_is_notified_when_the_action_says_so(cast, committed):
    assert _mail_recipients(cast, committed, actor=cast.second_line.user, to_responsible=True, notify_actor=True) == [
        "line2@corp.example"
    ]


@pytest.mark.django_db
def test_push_goes_to_users_only_and_skips_inactive_cards(cast, committed):
    peer = cast.second_line_peer
    cast.team.members.add(peer)
    Employee.objects.filter(pk=peer.pk).update(is_active=False)
    only_actions(make_action(catalogue.COMMENT_PUBLIC, Channel.PUSH, to_team=True, to_watchers=True))
    with committed():
        ticket = new_ticket(cast)
        add_watcher(ticket=ticket, actor=None, email="nobody@outside.example")
        add_comment(ticket=ticket, actor=cast.operator.user, body="note")
    assert list(Notification.objects.values_list("user_id", flat=True)) == [cast.second_line.user_id]


@pytest.mark.django_db
def test_recipient_language_chooses_the_template(cast, committed):
    Employee.objects.filter(pk=cast.second_line.pk).update(language="en")
    only_actions(make_action(catalogue.COMMENT_PUBLIC, Channel.PUSH, to_responsible=True, to_requester=True))
    with committed():
        add_comment(ticket=new_ticket(cast, subject="Mail down"), actor=cast.operator.user, body="note")
    english = Notification.objects.get(user=cast.second_line.user)
    assert english.title.endswith("] Mail down") and " ru " not in english.title
    assert english.body == "Body for Петров Пётр: New"
    russian = Notification.objects.get(user=cast.client.user)
    assert russian.title.endswith("] ru Mail down") and russian.body.startswith("Текст для Клиентов Кирилл")

"""The default event actions: one or more for every built-in event, enabled, in both languages,
and using only the placeholders their event offers."""

from __future__ import annotations

import pytest

from notifications import catalogue, work_items
from notifications.compose import template_errors
from notifications.defaults import all_defaults
from notifications.models import EventAction

BUILT_IN = {
    catalogue.TICKET_REGISTERED_OPERATOR,
    catalogue.TICKET_REGISTERED_EMAIL,
    catalogue.TICKET_REGISTERED_CLIENT,
    catalogue.TICKET_STATUS_CHANGED,
    catalogue.TICKET_PRIORITY_CHANGED,
    catalogue.TICKET_ASSIGNED,
    catalogue.COMMENT_PUBLIC,
    catalogue.COMMENT_PRIVATE,
    catalogue.ATTACHMENT_ADDED,
    catalogue.TICKET_RESOLVED,
    catalogue.TICKET_CLOSED,
    catalogue.TICKET_RESUMED,
    catalogue.REQUESTER_REPLIED,
    catalogue.WATCHER_ADDED,
    catalogue.MAIL_CONNECTION_FAILING,
    catalogue.MAIL_UNPROCESSABLE,
    work_items.TICKET_RECLASSIFIED,
    work_items.TASK_ASSIGNED,
    work_items.TASK_DONE,
    work_items.APPROVAL_REQUESTED,
    work_items.APPROVAL_DECIDED,
    # Shipped by the escalation app for its default schemes' levels.
    "escalation.ticket",
    "escalation.task",
    "escalation.approval",
}


@pytest.mark.django_db
def test_every_built_in_event_has_enabled_defaults_in_both_languages():
    defaults = list(EventAction.objects.exclude(code=""))
    # Other apps (telephony) add defaults for their own events.
    assert {action.event for action in defaults} == BUILT_IN | {item.event for item in all_defaults()}
    for action in defaults:
        assert action.enabled, action.code
        assert action.subject_ru and action.body_ru and action.subject_en and action.body_en, action.code


@pytest.mark.django_db
def test_default_templates_use_only_their_events_placeholders():
    for action in EventAction.objects.exclude(code=""):
        fields = {name: getattr(action, name) for name in EventAction.TEMPLATE_FIELDS}
        assert template_errors(action.event, fields) == {}, action.code


@pytest.mark.django_db
def test_mail_events_address_technologists():
    failing = EventAction.objects.filter(event=catalogue.MAIL_CONNECTION_FAILING)
    assert {group.name for action in failing for group in action.groups.all()} == {"technologist"}

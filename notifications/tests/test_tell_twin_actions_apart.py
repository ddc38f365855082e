"""The Web Push and Telegram twins of a push action share its name; wherever an action is picked by
its text (an escalation level's notifications, a webhook's actions) the channel tells them apart."""

from __future__ import annotations

import pytest
from django.utils import translation

from notifications.models import EventAction

pytestmark = pytest.mark.django_db


def test_twins_read_differently() -> None:
    twins = EventAction.objects.filter(code__endswith="-webpush").first()
    assert twins is not None  # shipped by the migrations
    base = twins.code.removesuffix("-webpush")
    family = EventAction.objects.filter(code__in=[f"{base}-push", f"{base}-webpush", f"{base}-telegram"])
    assert family.count() == 3 and len({action.name for action in family}) == 1
    with translation.override("ru"):
        labels = {str(action) for action in family}
        assert len(labels) == 3
        assert any(label.endswith("· Telegram") for label in labels)

"""The webhook card refuses what would fail at send time, and never shows the secret again."""

from __future__ import annotations

import pytest

from webhooks.forms import WebhookForm
from webhooks.models import DEFAULT_PAYLOAD, Webhook

pytestmark = pytest.mark.django_db


def form(**changes: str) -> WebhookForm:
    data = {
        "name": "CMDB",
        "url": "https://cmdb.example/hook",
        "enabled": "on",
        "secret": "k",
        "payload": DEFAULT_PAYLOAD,
    }
    data.update(changes)
    return WebhookForm(data=data)


def test_default_card_saves_with_the_secret_encrypted() -> None:
    hook = form().save()
    assert hook.secret == "k" and hook.secret_encrypted != "k"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("payload", '{"a": "TICKET_NUMBR"}', "unknown placeholder TICKET_NUMBR"),
        ("payload", '{"a": TICKET_NUMBER}', "not valid JSON"),
        ("url", "ftp://cmdb.example/hook", "Only http:// and https://"),
        ("secret", "", "A secret is required"),
    ],
)
def test_card_refuses(field: str, value: str, message: str) -> None:
    bound = form(**{field: value})
    assert not bound.is_valid()
    assert message in " ".join(bound.errors[field])


def test_empty_secret_keeps_the_stored_one_and_is_never_rendered() -> None:
    hook = form().save()
    bound = WebhookForm(
        data={"name": "CMDB", "url": hook.url, "enabled": "on", "secret": "", "payload": hook.payload}, instance=hook
    )
    assert bound.is_valid(), bound.errors
    bound.save()
    assert Webhook.objects.get().secret == "k"
    assert 'value="k"' not in str(WebhookForm(instance=hook)["secret"])

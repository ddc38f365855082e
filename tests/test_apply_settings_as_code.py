"""Settings as code for all of it: event actions with their templates, escalation, webhooks
(without secrets), labels and schedules export, import back unchanged, preview as a diff, and a
file with any bad part changes nothing."""

from __future__ import annotations

import copy
import html
import json

import pytest

from mailconf.connections import SettingsError, export_settings, import_settings, preview_import
from notifications.models import Channel, EventAction
from servicedesk.models import ServiceSchedule
from webhooks.models import Webhook

pytestmark = pytest.mark.django_db

SECTIONS = {"event_actions", "escalation", "webhooks", "labels", "schedules", "outgoing", "incoming"}


@pytest.fixture
def hook() -> Webhook:
    action = EventAction.objects.create(name="To CMDB", event="ticket.registered.operator", channel=Channel.WEBHOOK)
    hook = Webhook(name="CMDB", url="https://cmdb.example/hook")
    hook.secret = "top-secret"
    hook.save()
    hook.actions.set([action])
    return hook


MAIL = ("outgoing", "company", "admin_email", "incoming")


def roundtrip() -> dict:
    """The export as a file holds it, without the mail sections (an empty outgoing card would be
    refused by its own form; those sections have their tests in mailconf)."""
    data = json.loads(json.dumps(export_settings()))
    return {key: value for key, value in data.items() if key not in MAIL}


def test_export_has_every_section_and_no_secret(cast, hook) -> None:
    assert SECTIONS <= set(export_settings())
    data = roundtrip()
    assert "top-secret" not in json.dumps(data) and hook.secret_encrypted not in json.dumps(data)
    [exported] = data["webhooks"]
    assert exported["actions"] == ["To CMDB"] and "secret" not in exported
    codes = {action["code"] for action in data["event_actions"]}
    assert "" in codes and len(codes) > 5  # shipped actions by code, the new one by name


def test_import_of_an_export_changes_nothing(cast, hook) -> None:
    data = roundtrip()
    assert preview_import(copy.deepcopy(data)) == {}
    import_settings(copy.deepcopy(data))
    assert roundtrip() == data
    assert Webhook.objects.get().secret == "top-secret"


def test_preview_shows_the_change_and_keeps_nothing(cast, hook) -> None:
    data = roundtrip()
    action = next(a for a in data["event_actions"] if a["name"] == "To CMDB")
    action["is_urgent"] = True
    data["labels"] = {code: False for code in data["labels"]}
    data["schedules"].append(
        {"name": "Night shift", "timezone": "Asia/Yekaterinburg", "intervals": {"1": [["22:00", "24:00"]]}}
    )

    diff = preview_import(copy.deepcopy(data))
    assert set(diff) == {"event_actions", "labels", "schedules"}
    assert not EventAction.objects.get(name="To CMDB").is_urgent
    assert not ServiceSchedule.objects.filter(name="Night shift").exists()

    import_settings(data)
    assert EventAction.objects.get(name="To CMDB").is_urgent
    assert ServiceSchedule.objects.get(name="Night shift").timezone == "Asia/Yekaterinburg"


def test_one_bad_section_refuses_the_whole_file(cast, hook) -> None:
    data = roundtrip()
    before = copy.deepcopy(data)
    data["labels"] = {code: False for code in data["labels"]}
    data["webhooks"][0]["payload"] = '{"a": TICKET_NUMBER}'
    data["event_actions"][0]["subject_ru"] = "NO_SUCH_PLACEHOLDER"
    data["schedules"].append({"name": "Bad", "intervals": {"8": []}})
    with pytest.raises(SettingsError) as refused:
        import_settings(data)
    text = "; ".join(refused.value.errors)
    assert "not valid JSON" in text and "NO_SUCH_PLACEHOLDER" in text and "weekday" in text
    assert roundtrip() == before


def test_new_webhook_without_secret_arrives_switched_off_and_new_action_is_found(cast) -> None:
    data = roundtrip()
    data["event_actions"].append(
        {"name": "To ERP", "event": "ticket.registered.operator", "channel": "webhook", "enabled": True}
    )
    data["webhooks"] = [{"name": "ERP", "url": "https://erp.example/in", "enabled": True, "actions": ["To ERP"]}]
    import_settings(data)
    hook = Webhook.objects.get()
    assert hook.enabled is False and hook.disabled_reason
    assert [a.name for a in hook.actions.all()] == ["To ERP"]


def test_action_missing_from_the_file_is_deleted_but_escalation_ones_stay(cast) -> None:
    data = roundtrip()
    escalation_bound = EventAction.objects.filter(escalation_levels__isnull=False).count()
    assert escalation_bound
    gone = data["event_actions"].pop()
    import_settings(data)
    assert not EventAction.objects.filter(code=gone["code"], name=gone["name"]).exists()
    assert EventAction.objects.filter(escalation_levels__isnull=False).count() == escalation_bound


def _upload(client, data: dict):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile("settings.json", json.dumps(data).encode(), content_type="application/json")
    return client.post("/admin/mailconf/outgoingconnection/settings-as-code/", {"file": file, "preview": "1"})


def test_technologist_previews_a_diff_then_applies_all(cast, client, hook) -> None:
    from django.utils import translation

    client.force_login(cast.technologist)
    exported = client.get("/admin/mailconf/outgoingconnection/settings-as-code/?download=1")
    assert exported["Content-Disposition"].startswith("attachment;")
    data = {k: v for k, v in json.loads(exported.content).items() if k not in MAIL}
    data["webhooks"][0]["url"] = "https://cmdb.example/v2/hook"

    with translation.override("en"):
        page = html.unescape(_upload(client, data).content.decode())
    assert '-    "url": "https://cmdb.example/hook"' in page and '+    "url": "https://cmdb.example/v2/hook"' in page
    assert 'data-section="webhooks"' in page and 'data-section="labels"' not in page
    assert Webhook.objects.get().url == "https://cmdb.example/hook"  # only shown

    client.post("/admin/mailconf/outgoingconnection/settings-as-code/", {"text": json.dumps(data), "apply": "1"})
    assert Webhook.objects.get().url == "https://cmdb.example/v2/hook"


def test_refused_file_lists_every_problem(cast, client, hook) -> None:
    client.force_login(cast.technologist)
    data = roundtrip()
    data["webhooks"][0]["url"] = "ftp://cmdb.example"
    data["labels"] = {"no-such-module": True}
    page = _upload(client, data).content.decode()
    assert "webhooks[0].url" in page and "labels.no-such-module" in page
    assert Webhook.objects.get().url == "https://cmdb.example/hook"


def test_only_technologists_open_the_page(cast, client) -> None:
    client.force_login(cast.operator.user)
    response = client.get("/admin/mailconf/outgoingconnection/settings-as-code/?download=1")
    assert response.status_code in (302, 403)

"""The "webhooks" section of settings as code: every webhook without its secret.

Webhooks are matched by name; one missing from the file is deleted. On import an existing webhook
keeps its secret; a new one arrives switched off until a technologist gives it a secret on its
card (a call is never sent unsigned). Its event actions are named by code, or by name among the
actions with the channel "Webhook"; actions the same file creates (section "event_actions",
applied first) count.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext

from notifications.models import Channel, EventAction
from servicedesk.mailbridge import SettingsSectionError, register_settings_section

from .models import Webhook
from .payload import template_problems

SECTION = "webhooks"
KEYS = ("name", "url", "enabled", "payload", "actions")


def _action_ref(action: EventAction) -> str:
    return action.code or action.name


def export_webhooks() -> list[dict[str, Any]]:
    rows = Webhook.objects.prefetch_related("actions").order_by("name")
    return [
        {
            "name": hook.name,
            "url": hook.url,
            "enabled": hook.enabled,
            "payload": hook.payload,
            "actions": sorted(_action_ref(action) for action in hook.actions.all()),
        }
        for hook in rows
    ]


def _check(where: str, item: Any) -> list[str]:
    if not isinstance(item, Mapping):
        return [f"{where}: must be an object"]
    errors = [f"unknown key: {where}.{key}" for key in item if key not in KEYS]
    if not isinstance(item.get("name"), str) or not item["name"].strip():
        errors.append(f"{where}.name: required")
    url = item.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        errors.append(f"{where}.url: an http:// or https:// address")
    if not isinstance(item.get("enabled", True), bool):
        errors.append(f"bad value for {where}.enabled")
    payload = item.get("payload")
    if payload is not None:
        errors += [f"{where}.payload: {problem}" for problem in template_problems(str(payload))]
    if not isinstance(item.get("actions", []), list):
        errors.append(f"bad value for {where}.actions: must be a list")
    return errors


def validate_webhooks(value: Any) -> Callable[[], None]:
    if not isinstance(value, list):
        raise SettingsSectionError([f"{SECTION}: must be a list of webhooks"])
    errors: list[str] = []
    names = [item.get("name") for item in value if isinstance(item, Mapping)]
    if len(names) != len(set(names)):
        errors.append(f"{SECTION}: a name is used twice")
    for index, item in enumerate(value):
        errors += _check(f"{SECTION}[{index}]", item)
    if errors:
        raise SettingsSectionError(errors)
    return lambda: _apply(value)


def _resolve(refs: list[str], where: str) -> list[EventAction]:
    found: list[EventAction] = []
    for ref in refs:
        matches = list(EventAction.objects.filter(code=ref)[:1]) or list(
            EventAction.objects.filter(code="", name=ref, channel=Channel.WEBHOOK)[:2]
        )
        if len(matches) != 1:
            problem = "not found" if not matches else "is ambiguous"
            raise SettingsSectionError([f"bad value for {where}.actions: {ref!r} {problem}"])
        found.append(matches[0])
    return found


def _apply(items: list[Mapping[str, Any]]) -> None:
    kept: list[int] = []
    for index, item in enumerate(items):
        hook = Webhook.objects.filter(name=item["name"]).first() or Webhook(name=item["name"])
        hook.url = item["url"]
        hook.payload = item.get("payload") or hook.payload
        hook.enabled = item.get("enabled", True)
        if not hook.secret_encrypted:
            hook.enabled = False
            hook.disabled_reason = gettext("Imported without a secret: give it one on the card.")
        hook.save()
        hook.actions.set(_resolve(list(item.get("actions") or []), f"{SECTION}[{index}]"))
        kept.append(hook.pk)
    Webhook.objects.exclude(pk__in=kept).delete()


def register() -> None:
    register_settings_section(SECTION, export_webhooks, validate_webhooks)

"""The "event_actions" section of settings as code: every event action with its conditions,
recipients and templates, except the ones an escalation level owns (the "escalation" section
carries those with their level).

Actions are matched by code (the shipped ones) or by name, event and channel; an action missing
from the file is deleted, so the file is the whole state. References are natural keys: ticket type
codes; service, team and agreement names; user group names. Each action is checked by the
editor's own form before anything is written; a bad file changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth.models import Group
from django.db.models import Model, QuerySet

from servicedesk.mailbridge import SettingsSectionError, register_settings_section
from servicedesk.models import Agreement, Service, Team, TicketType

from .forms import EventActionForm
from .models import EventAction

SECTION = "event_actions"
FLAGS = (
    "enabled",
    "is_mandatory",
    "is_urgent",
    "to_requester",
    "to_responsible",
    "to_team",
    "to_watchers",
    "to_agreement_recipients",
    "to_team_leader",
    "to_assignees",
    "notify_actor",
    "from_responsible_mailbox",
)
TEXTS = ("name", "event", "channel", "addresses", *EventAction.TEMPLATE_FIELDS)
LISTS = ("priorities", "statuses")
REFERENCES: dict[str, tuple[type[Model], str]] = {
    "ticket_types": (TicketType, "code"),
    "services": (Service, "name"),
    "teams": (Team, "name"),
    "agreements": (Agreement, "name"),
    "groups": (Group, "name"),
}
KEYS = ("code", *TEXTS, *FLAGS, *LISTS, *REFERENCES)


def own_actions() -> QuerySet[EventAction]:
    """Event actions of this section: not bound to an escalation level."""
    return EventAction.objects.filter(escalation_levels__isnull=True)


def export_actions() -> list[dict[str, Any]]:
    rows = own_actions().prefetch_related(*REFERENCES).order_by("event", "channel", "code", "name", "pk")
    return [_export_one(action) for action in rows]


def _export_one(action: EventAction) -> dict[str, Any]:
    data: dict[str, Any] = {key: getattr(action, key) for key in ("code", *TEXTS, *FLAGS)}
    data["priorities"] = sorted(int(p) for p in action.priorities or ())
    data["statuses"] = sorted(action.statuses or ())
    for name, (_model, field) in REFERENCES.items():
        data[name] = sorted(getattr(obj, field) for obj in getattr(action, name).all())
    return data


def natural_key(item: Mapping[str, Any]) -> tuple[str, ...]:
    code = str(item.get("code") or "")
    return ("code", code) if code else ("name", str(item.get("name")), str(item.get("event")), str(item.get("channel")))


def _find(item: Mapping[str, Any]) -> EventAction | None:
    key = natural_key(item)
    if key[0] == "code":
        return EventAction.objects.filter(code=key[1]).first()
    return own_actions().filter(code="", name=key[1], event=key[2], channel=key[3]).first()


def validate_actions(value: Any) -> Callable[[], None]:
    if not isinstance(value, list):
        raise SettingsSectionError([f"{SECTION}: must be a list of event actions"])
    errors: list[str] = []
    forms: list[tuple[EventActionForm, str]] = []
    seen: set[tuple[str, ...]] = set()
    for index, item in enumerate(value):
        where = f"{SECTION}[{index}]"
        if not isinstance(item, Mapping):
            errors.append(f"{where}: must be an object")
            continue
        where = f"{SECTION}[{item.get('code') or item.get('name')}]"
        if natural_key(item) in seen:
            errors.append(f"{where}: the same action twice")
        seen.add(natural_key(item))
        item_errors = [f"unknown key: {where}.{key}" for key in item if key not in KEYS]
        form = _form(where, item, item_errors)
        if form is not None and not form.is_valid():
            item_errors += [f"{where}.{field}: {msg}" for field, msgs in form.errors.items() for msg in msgs]
        errors += item_errors
        if form is not None and not item_errors:
            forms.append((form, str(item.get("code") or "")))
    if errors:
        raise SettingsSectionError(errors)
    return lambda: _apply(forms)


def _form(where: str, item: Mapping[str, Any], errors: list[str]) -> EventActionForm | None:
    instance = _find(item) or EventAction()
    data: dict[str, Any] = {key: item.get(key, getattr(instance, key)) for key in (*TEXTS, *FLAGS)}
    for key in LISTS:
        data[key] = item.get(key, getattr(instance, key)) or []
        if not isinstance(data[key], list):
            errors.append(f"bad value for {where}.{key}: must be a list")
    for name, (model, field) in REFERENCES.items():
        names = item.get(name, [])
        if not isinstance(names, list):
            errors.append(f"bad value for {where}.{name}: must be a list")
            continue
        found = dict(model._default_manager.filter(**{f"{field}__in": names}).values_list(field, "pk"))
        missing = [str(n) for n in names if n not in found]
        if missing:
            errors.append(f"bad value for {where}.{name}: not found: {', '.join(missing)}")
        data[name] = [found[n] for n in names if n in found]
    if errors:
        return None
    return EventActionForm(data={k: ("" if v is None else v) for k, v in data.items()}, instance=instance)


def _apply(forms: list[tuple[EventActionForm, str]]) -> None:
    kept: list[int] = []
    for form, code in forms:
        action = form.save(commit=False)
        action.code = code
        action.save()
        form.save_m2m()
        kept.append(action.pk)
    own_actions().exclude(pk__in=kept).delete()


def register() -> None:
    register_settings_section(SECTION, export_actions, validate_actions)

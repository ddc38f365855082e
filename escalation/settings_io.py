"""The "escalation" section of settings as code (`mailconf_export` / `mailconf_import`).

The section is the whole state: every scheme with its conditions and levels, and each level's
notifications as full event actions (recipients and templates). Schemes are matched by code (the
shipped ones) or by target and name, levels by their order within the scheme, event actions by
code or by name, event and channel; schemes and levels missing from the file are deleted. Levels
are updated in place, so what already fired stays fired. References are natural keys: ticket type
codes; service, agreement and team names; employee e-mails; user group names. Everything is
checked before anything is written; a bad file changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Model

from notifications import channels
from notifications.compose import template_errors
from notifications.models import EventAction
from servicedesk.models import Agreement, Employee, Priority, Service, Team, TicketType

from .models import TARGET_EVENTS, EscalationLevel, EscalationScheme, Target, Trigger

SECTION = "escalation"
ACTION_FLAGS = (
    "enabled",
    "is_mandatory",
    "to_requester",
    "to_responsible",
    "to_team",
    "to_watchers",
    "to_agreement_recipients",
    "to_team_leader",
    "to_assignees",
    "notify_actor",
    "is_urgent",
)
ACTION_TEXTS = ("code", "name", "event", "channel", "addresses", *EventAction.TEMPLATE_FIELDS)
LEVEL_KEYS = (
    "position",
    "name",
    "enabled",
    "trigger",
    "percent",
    "offset_minutes",
    "hold_to_working_hours",
    "is_urgent",
    "raise_priority",
)
REFERENCES: dict[str, tuple[type[Model], str]] = {
    "ticket_types": (TicketType, "code"),
    "services": (Service, "name"),
    "agreements": (Agreement, "name"),
}


class _Errors(list[str]):
    def check(self, condition: bool, where: str, message: str) -> bool:
        if not condition:
            self.append(f"{where}: {message}")
        return condition


# --- export ------------------------------------------------------------------------------------------
def export_escalation() -> dict[str, Any]:
    rows = EscalationScheme.objects.prefetch_related(
        "ticket_types",
        "services",
        "agreements",
        "levels__notify__groups",
        "levels__reassign_employee",
        "levels__reassign_team",
    )
    return {"schemes": [_export_scheme(scheme) for scheme in rows.order_by("target", "position", "pk")]}


def _export_scheme(scheme: EscalationScheme) -> dict[str, Any]:
    return {
        "code": scheme.code,
        "name": scheme.name,
        "name_en": scheme.name_en,
        "target": scheme.target,
        "enabled": scheme.enabled,
        "position": scheme.position,
        "conditions": {
            "ticket_types": sorted(t.code for t in scheme.ticket_types.all()),
            "services": sorted(s.name for s in scheme.services.all()),
            "agreements": sorted(a.name for a in scheme.agreements.all()),
            "priorities": sorted(int(p) for p in scheme.priorities or ()),
        },
        "levels": [_export_level(level) for level in scheme.levels.all()],
    }


def _export_level(level: EscalationLevel) -> dict[str, Any]:
    data: dict[str, Any] = {key: getattr(level, key) for key in LEVEL_KEYS}
    data["reassign_employee"] = level.reassign_employee.email if level.reassign_employee else None
    data["reassign_team"] = level.reassign_team.name if level.reassign_team else None
    data["notify"] = [_export_action(action) for action in level.notify.all().order_by("pk")]
    return data


def _export_action(action: EventAction) -> dict[str, Any]:
    data: dict[str, Any] = {key: getattr(action, key) for key in (*ACTION_TEXTS, *ACTION_FLAGS)}
    data["groups"] = sorted(group.name for group in action.groups.all())
    return data


# --- validation -----------------------------------------------------------------------------------------
def validate_escalation(value: Any, shared: dict[str, Any]) -> Callable[[], None]:
    from mailconf.connections.settings_io import SettingsError

    errors = _Errors()
    schemes = value.get("schemes") if isinstance(value, Mapping) else None
    if not isinstance(schemes, list):
        raise SettingsError([f"{SECTION}: must be an object with a list of schemes"])
    plan = [_check_scheme(item, f"{SECTION}.schemes[{i}]", errors) for i, item in enumerate(schemes)]
    if errors:
        raise SettingsError(list(errors))
    return lambda: apply(plan)


def _check_scheme(item: Any, where: str, errors: _Errors) -> dict[str, Any]:
    if not errors.check(isinstance(item, Mapping), where, "must be an object"):
        return {}
    errors.check(item.get("target") in Target.values, f"{where}.target", f"one of {', '.join(Target.values)}")
    errors.check(bool(str(item.get("name") or "").strip()), f"{where}.name", "required")
    conditions = item.get("conditions") or {}
    refs = {
        name: _resolve(conditions.get(name) or [], model, field, f"{where}.conditions.{name}", errors)
        for name, (model, field) in REFERENCES.items()
    }
    priorities = conditions.get("priorities") or []
    errors.check(all(p in Priority.values for p in priorities), f"{where}.conditions.priorities", "unknown priority")
    event = TARGET_EVENTS.get(item.get("target"), "")
    levels = [
        _check_level(level, f"{where}.levels[{i}]", event, errors) for i, level in enumerate(item.get("levels") or [])
    ]
    positions = [level.get("position") for level in levels]
    errors.check(len(positions) == len(set(positions)), f"{where}.levels", "two levels with the same position")
    return {"item": item, "refs": refs, "priorities": priorities, "levels": levels}


def _resolve(names: Any, model: type[Model], field: str, where: str, errors: _Errors) -> list[Model]:
    if not errors.check(isinstance(names, list), where, "must be a list"):
        return []
    found = {getattr(obj, field): obj for obj in model._default_manager.filter(**{f"{field}__in": names})}
    missing = [name for name in names if name not in found]
    errors.check(not missing, where, f"not found: {', '.join(map(str, missing))}")
    return [found[name] for name in names if name in found]


def _check_level(level: Any, where: str, event: str, errors: _Errors) -> dict[str, Any]:
    if not errors.check(isinstance(level, Mapping), where, "must be an object"):
        return {}
    errors.check(isinstance(level.get("position"), int), f"{where}.position", "must be a number")
    trigger = level.get("trigger")
    errors.check(trigger in Trigger.values, f"{where}.trigger", "share or offset")
    if trigger == Trigger.SHARE:
        errors.check(
            isinstance(level.get("percent"), int) and 0 < level["percent"] <= 1000, f"{where}.percent", "1 to 1000"
        )
    if trigger == Trigger.OFFSET:
        errors.check(isinstance(level.get("offset_minutes"), int), f"{where}.offset_minutes", "must be a number")
    employee = team = None
    if level.get("reassign_employee"):
        employee = Employee.objects.filter(email__iexact=level["reassign_employee"]).first()
        errors.check(employee is not None, f"{where}.reassign_employee", "no employee with this e-mail")
    if level.get("reassign_team"):
        team = Team.objects.filter(name=level["reassign_team"]).first()
        errors.check(team is not None, f"{where}.reassign_team", "no team with this name")
    actions = [
        _check_action(action, f"{where}.notify[{i}]", event, errors)
        for i, action in enumerate(level.get("notify") or [])
    ]
    return {**{key: level.get(key) for key in LEVEL_KEYS}, "employee": employee, "team": team, "actions": actions}


def _check_action(action: Any, where: str, event: str, errors: _Errors) -> dict[str, Any]:
    if not errors.check(isinstance(action, Mapping), where, "must be an object"):
        return {}
    errors.check(action.get("event") == event, f"{where}.event", f"must be {event}")
    errors.check(action.get("channel") in channels.codes(), f"{where}.channel", "one of " + ", ".join(channels.codes()))
    errors.check(bool(str(action.get("name") or "").strip()), f"{where}.name", "required")
    texts = {name: str(action.get(name) or "") for name in EventAction.TEMPLATE_FIELDS}
    for field, unknown in template_errors(event, texts).items():
        errors.append(f"{where}.{field}: unknown placeholders {', '.join(unknown)}")
    groups = list(Group.objects.filter(name__in=action.get("groups") or []))
    errors.check(len(groups) == len(set(action.get("groups") or [])), f"{where}.groups", "unknown group")
    values = {key: action.get(key) for key in (*ACTION_TEXTS, *ACTION_FLAGS) if key in action}
    values = {key: (value if key in ACTION_FLAGS else str(value or "")) for key, value in values.items()}
    return {"values": values, "groups": groups}


# --- applying --------------------------------------------------------------------------------------------
def apply(plan: list[dict[str, Any]]) -> None:
    from . import schemes as scheme_cache
    from .tasks import resync_task

    kept: list[int] = []
    for entry in plan:
        kept.append(_apply_scheme(entry).pk)
    EscalationScheme.objects.exclude(pk__in=kept).delete()
    scheme_cache.forget()
    transaction.on_commit(lambda: resync_task.delay(), robust=True)


def _apply_scheme(entry: dict[str, Any]) -> EscalationScheme:
    item = entry["item"]
    fields = {key: item.get(key) for key in ("name", "name_en", "enabled", "position") if key in item}
    found = None
    if item.get("code"):
        found = EscalationScheme.objects.filter(code=item["code"]).first()
    if found is None:
        found = EscalationScheme.objects.filter(
            code=item.get("code") or "", target=item["target"], name=item["name"]
        ).first()
    scheme = found or EscalationScheme(code=item.get("code") or "", target=item["target"])
    for key, value in fields.items():
        setattr(scheme, key, value if value is not None else "")
    scheme.target, scheme.priorities = item["target"], entry["priorities"]
    scheme.save()
    for name, objects in entry["refs"].items():
        getattr(scheme, name).set(objects)
    kept = [_apply_level(scheme, level).pk for level in entry["levels"]]
    scheme.levels.exclude(pk__in=kept).delete()
    return scheme


def _apply_level(scheme: EscalationScheme, data: dict[str, Any]) -> EscalationLevel:
    level = EscalationLevel.objects.filter(scheme=scheme, position=data["position"]).first() or EscalationLevel(
        scheme=scheme, position=data["position"]
    )
    level.name = data.get("name") or ""
    level.enabled = data.get("enabled") is not False
    level.trigger, level.percent, level.offset_minutes = (
        data["trigger"],
        data.get("percent"),
        data.get("offset_minutes"),
    )
    level.hold_to_working_hours = bool(data.get("hold_to_working_hours"))
    level.raise_priority = bool(data.get("raise_priority"))
    level.is_urgent = bool(data.get("is_urgent"))
    level.reassign_employee, level.reassign_team = data["employee"], data["team"]
    level.save()
    level.notify.set([_apply_action(action) for action in data["actions"]])
    return level


def _apply_action(data: dict[str, Any]) -> EventAction:
    values = data["values"]
    found = EventAction.objects.filter(code=values["code"]).first() if values.get("code") else None
    if found is None:
        found = EventAction.objects.filter(
            code=values.get("code", ""), name=values["name"], event=values["event"], channel=values["channel"]
        ).first()
    action = found or EventAction()
    for key, value in values.items():
        setattr(action, key, value)
    action.save()
    action.groups.set(data["groups"])
    return action


def register() -> None:
    """Plug the section into the settings export/import of the mail app, when it is installed."""
    try:
        from mailconf.connections.settings_io import Section, register_section
    except ImportError:
        return
    register_section(Section(SECTION, export_escalation, validate_escalation))

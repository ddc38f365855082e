"""Switching modules on and off, and the labels section of the settings-as-code export."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

from ..labels import MODULES, forget
from ..mailbridge import SettingsSectionError, register_settings_section
from ..models import ModuleSwitch, User


def switch_module(*, code: str, enabled: bool, actor: User | None) -> None:
    if code not in MODULES:
        raise KeyError(code)
    ModuleSwitch.objects.update_or_create(code=code, defaults={"enabled": enabled, "changed_by": actor})
    forget()


def export_labels() -> dict[str, bool]:
    stored = dict(ModuleSwitch.objects.values_list("code", "enabled"))
    return {code: stored.get(code, True) for code in MODULES}


def validate_labels(value: Any) -> Callable[[], None]:
    if not isinstance(value, dict):
        raise SettingsSectionError(["labels: must be an object of module code → true/false"])
    errors = [f"unknown key: labels.{code}" for code in value if code not in MODULES]
    errors += [f"bad value for labels.{code}: {flag!r}" for code, flag in value.items() if not isinstance(flag, bool)]
    if errors:
        raise SettingsSectionError(errors)

    def apply() -> None:
        with transaction.atomic():
            for code, flag in value.items():
                switch_module(code=code, enabled=flag, actor=None)

    return apply


def register_labels_section() -> None:
    register_settings_section("labels", export_labels, validate_labels)

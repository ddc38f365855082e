"""Imports between the apps point one way (docs/architecture.md, "The dependency rule"):

    servicedesk  <-  mailconf  <-  notifications  <-  escalation, telephony, webhooks, personalmail

An app may import the apps to its left, never one to its right, and escalation and telephony
know nothing of each other (nor of webhooks, which reaches mail only through the core's bridge). What crosses to the mail app goes through one bridge module per app
(`servicedesk.mailbridge`, `telephony.outbox`, `escalation.settings_io`; notifications' use of
mailconf is held to its public packages by mailconf/tests/test_keep_import_direction.py). The
project wiring (URLconf, ASGI entry point) and the test helpers may reach every app. Imports
inside functions count too. Read from the source with `ast`, so nothing is imported to check it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORDER = ("servicedesk", "mailconf", "notifications", "escalation", "telephony", "webhooks", "personalmail")
# Each app and the apps it may import.
ALLOWED: dict[str, set[str]] = {
    "servicedesk": set(),
    "mailconf": {"servicedesk"},
    "notifications": {"servicedesk", "mailconf"},
    "escalation": {"servicedesk", "mailconf", "notifications"},
    "telephony": {"servicedesk", "mailconf", "notifications"},
    "webhooks": {"servicedesk", "notifications"},
    "personalmail": {"servicedesk", "mailconf", "notifications"},
}
# (importing app, imported app) -> the only modules through which that crossing may happen (the
# core's bridge is the one way it reaches up to the mail app: encryption, outbox, settings export).
BRIDGES: dict[tuple[str, str], set[str]] = {
    ("servicedesk", "mailconf"): {"servicedesk.mailbridge"},
    ("escalation", "mailconf"): {"escalation.settings_io"},
    ("telephony", "mailconf"): {"telephony.outbox"},
}
# Wiring that sits above every app: it may import any of them.
WIRING = ("servicedesk.urls", "servicedesk.asgi", "servicedesk.testing")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _product_files(app: str) -> Iterator[Path]:
    for path in sorted((ROOT / app).rglob("*.py")):
        if path.relative_to(ROOT / app).parts[0] not in ("tests", "migrations"):
            yield path


def _imported_modules(path: Path) -> Iterator[str]:
    """Every absolute module name the file imports, at module level or inside a function."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            yield base


def crossings() -> Iterator[tuple[str, str, str]]:
    """(importing module, its app, imported module) for every import of another app."""
    for app in ORDER:
        for path in _product_files(app):
            for imported in _imported_modules(path):
                other = imported.split(".")[0]
                if other in ORDER and other != app:
                    yield _module_name(path), app, imported


def violations(found: Iterator[tuple[str, str, str]]) -> list[str]:
    wrong = []
    for module, app, imported in found:
        other = imported.split(".")[0]
        if module.startswith(WIRING):
            continue
        bridges = BRIDGES.get((app, other))
        if bridges is not None and module not in bridges:
            wrong.append(f"{module} imports {imported}: only {sorted(bridges)} may")
        elif bridges is None and other not in ALLOWED[app]:
            wrong.append(f"{module} imports {imported}: {app} may not import {other}")
    return wrong


def test_apps_import_only_in_the_allowed_direction() -> None:
    assert violations(crossings()) == []


def test_every_app_is_checked() -> None:
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps == set(ORDER), "a new app needs its place in ORDER, ALLOWED and docs/architecture.md"
    assert set(ALLOWED) == set(ORDER)


def test_the_check_catches_each_kind_of_wrong_import() -> None:
    assert violations(
        iter(
            [
                ("servicedesk.services.tickets", "servicedesk", "notifications.services"),  # core upwards
                ("mailconf.outbox.delivery", "mailconf", "notifications.models"),  # mail knows no notifications
                ("telephony.views", "telephony", "escalation.models"),  # siblings
                ("notifications.models", "notifications", "telephony.models"),  # downwards to a later app
                ("telephony.services.dispatch", "telephony", "mailconf.outbox"),  # past its bridge
                ("servicedesk.urls", "servicedesk", "telephony.api"),  # wiring: allowed
                ("telephony.outbox", "telephony", "mailconf.outbox"),  # the bridge: allowed
            ]
        )
    ) == [
        "servicedesk.services.tickets imports notifications.services: servicedesk may not import notifications",
        "mailconf.outbox.delivery imports notifications.models: mailconf may not import notifications",
        "telephony.views imports escalation.models: telephony may not import escalation",
        "notifications.models imports telephony.models: notifications may not import telephony",
        "telephony.services.dispatch imports mailconf.outbox: only ['telephony.outbox'] may",
    ]

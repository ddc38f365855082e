"""The mail app's imports point one way, and no mail module imports notifications.

Layers, lowest first: the foundation (`models`, `crypto`, `signals`), `protocols`, `connections`,
`outbox`, `inbound`, `canary`; then the wiring on top (`admin`, `tasks`, `management`, `apps`). A module may
import its own subpackage and any lower layer, never a higher one, at module level or inside a
function; `protocols` and `parsing` import nothing else of the app, and there is no import cycle.
(The protocol registries import their protocol modules by name, `_BUILTIN_MODULES`, inside
`protocols`; that loop back to the registry's module is not an import statement.) Read from the
source with `ast`, so nothing is imported to check it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "mailconf"
# The layer of each part of the app; anything else (admin, tasks, management, apps) is wiring on top.
LAYERS = {
    "models": 0,
    "crypto": 0,
    "signals": 0,
    "parsing": 0,
    "protocols": 1,
    "connections": 2,
    "outbox": 3,
    "inbound": 4,
    # The mail canary sends through the outbox and is recognised by intake: above both.
    "canary": 5,
}
TOP = 6
# Parts that must import nothing of the app beyond themselves.
SEALED = {"parsing", "protocols"}
# What other apps may import of the mail app.
PUBLIC = {"mailconf.models", "mailconf.outbox", "mailconf.parsing", "mailconf.signals"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _product_modules(app: Path) -> list[Path]:
    return [path for path in sorted(app.rglob("*.py")) if path.relative_to(app).parts[0] not in ("tests", "migrations")]


MODULES = {_module_name(path): path for path in _product_modules(APP)}


def _imports(path: Path) -> Iterator[tuple[str, str]]:
    """(imported name, enclosing function or "") for every import in the file, made absolute; a
    `from x import y` gives both x and x.y (y may be a module)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for function, node in _walk(ast.parse(path.read_text(encoding="utf-8")), ""):
        if isinstance(node, ast.Import):
            yield from ((alias.name, function) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            yield base, function
            yield from ((f"{base}.{alias.name}", function) for alias in node.names)


def _walk(node: ast.AST, function: str) -> Iterator[tuple[str, ast.AST]]:
    for child in ast.iter_child_nodes(node):
        inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
        yield inner, child
        yield from _walk(child, inner)


def _module_of(imported: str) -> str | None:
    """The mail app module an imported name belongs to (an attribute resolves to its module)."""
    while imported and imported not in MODULES:
        imported = imported.rpartition(".")[0]
    return imported or None


def _edges() -> dict[str, set[tuple[str, str]]]:
    """module -> {(imported mail module, enclosing function)}, without a module's own parents."""
    edges: dict[str, set[tuple[str, str]]] = {}
    for name, path in MODULES.items():
        found = edges.setdefault(name, set())
        for imported, function in _imports(path):
            target = _module_of(imported) if imported.split(".")[0] == "mailconf" else None
            if target is not None and target != name and not name.startswith(f"{target}."):
                found.add((target, function))
    return edges


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_layers_import_only_downwards() -> None:
    wrong = []
    for module, edges in _edges().items():
        source = _part(module)
        for target, _function in edges:
            goal = _part(target)
            if source == goal:
                continue
            if source in SEALED or LAYERS.get(goal, TOP) > LAYERS.get(source, TOP) or goal not in LAYERS:
                wrong.append(f"{module} -> {target}")
    assert wrong == []


def test_no_import_cycles() -> None:
    graph = {module: {target for target, _function in edges} for module, edges in _edges().items()}
    try:
        list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        raise AssertionError(f"import cycle: {' -> '.join(exc.args[1])}") from None


def test_the_mail_app_never_imports_notifications() -> None:
    found = [
        f"{name} -> {imported}"
        for name, path in MODULES.items()
        for imported, _function in _imports(path)
        if imported.split(".")[0] == "notifications"
    ]
    assert found == []


def test_notifications_use_only_the_mail_apps_public_packages() -> None:
    found = [
        f"{_module_name(path)} -> {imported}"
        for path in _product_modules(ROOT / "notifications")
        for imported, _function in _imports(path)
        if imported.split(".")[0] == "mailconf" and imported != "mailconf" and _module_of(imported) not in PUBLIC
    ]
    assert found == []

"""Labels (seed 004, step 6): a technologist switches an optional module off and its menus, pages
and settings disappear from the interfaces; its data stays, and switching it on brings all back.

Each module declares here (or from its own app, with `register_module` / `extend_module`) what it
owns: admin apps or models (its settings in the technologist interface), URL prefixes (its pages),
roles, ticket types and notification event groups. Hiding is enforced in one place per surface:
`LabelMiddleware` answers 404 for pages and admin screens of a switched-off module, the admin index
and the templates ask `disabled_modules(request)`. The state is stored in `ModuleSwitch` rows and
travels with the settings-as-code export (section "labels").
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import roles


@dataclass(frozen=True)
class Module:
    code: str
    label: Promise | str
    description: Promise | str = ""
    admin_apps: tuple[str, ...] = ()
    admin_models: tuple[tuple[str, str], ...] = ()
    path_prefixes: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    ticket_types: tuple[str, ...] = ()
    event_groups: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


MODULES: dict[str, Module] = {}


def register_module(module: Module) -> Module:
    MODULES[module.code] = module
    return module


def extend_module(code: str, **more: tuple[Any, ...]) -> Module:
    """Add what an app owns to a module declared elsewhere (e.g. the telephony app's admin models)."""
    module = MODULES[code]
    merged = {name: tuple(getattr(module, name)) + tuple(values) for name, values in more.items()}
    MODULES[code] = replace(module, **merged)  # type: ignore[arg-type]
    return MODULES[code]


for _module in (
    Module(
        "change_management",
        _("Change management"),
        _("Change requests, their approvals and the change request specialist role."),
        admin_apps=("changes",),
        path_prefixes=("/changes/",),
        roles=(roles.CHANGE_SPECIALIST,),
        ticket_types=("change_request",),
    ),
    Module(
        "problems",
        _("Problem management"),
        _("Problems linked to incidents and the problem specialist role."),
        admin_apps=("problems",),
        path_prefixes=("/problems/",),
        roles=(roles.PROBLEM_SPECIALIST,),
        ticket_types=("problem",),
    ),
    Module(
        "escalation",
        _("Escalation"),
        _("Escalation levels fired by SLA deadlines."),
        admin_apps=("escalation",),
        path_prefixes=("/escalation/",),
        event_groups=("escalation",),
    ),
    Module(
        "telephony",
        _("Telephony"),
        _("Missed calls and voicemail from the PBX."),
        admin_apps=("telephony",),
        path_prefixes=("/calls/", "/api/pbx/"),
        event_groups=("telephony",),
    ),
    Module(
        "personal_mail",
        _("Personal mail"),
        _("Employees' own mailboxes inside the product."),
        admin_apps=("personalmail",),
        path_prefixes=("/mailbox/",),
    ),
    Module(
        "client_cabinet",
        _("Client's personal cabinet"),
        _("Contact persons log in, register tickets and follow them."),
        path_prefixes=("/cabinet/",),
    ),
    Module(
        "directory_sync",
        _("LDAP / Active Directory sync"),
        _("Connections to directories, scheduled runs and their log."),
        admin_models=(("servicedesk", "ldapconnection"), ("servicedesk", "ldapsyncrun")),
    ),
    Module(
        "file_import",
        _("Import from files"),
        _("CSV, XLS and XLSX templates and imports of the org structure and clients."),
        admin_models=(("servicedesk", "importjob"),),
    ),
):
    register_module(_module)


def _load_disabled() -> frozenset[str]:
    from .models import ModuleSwitch

    return frozenset(ModuleSwitch.objects.filter(enabled=False).values_list("code", flat=True))


# (read at, codes) for callers that accept a few seconds' old answer (`max_age`).
_remembered: dict[str, tuple[float, frozenset[str]]] = {}


def forget() -> None:
    """Drop the remembered state (after a switch, and between tests)."""
    _remembered.clear()


def disabled_modules(request: HttpRequest | None = None, *, max_age: float = 0.0) -> frozenset[str]:
    """Codes of the switched-off modules, read once per request. With `max_age`, a copy read at
    most that many seconds ago by this process does: a machine API answering hundreds of calls a
    second saves a query on each, and a switch reaches it within those seconds (at once in the
    process that made it)."""
    if max_age:
        known = _remembered.get("disabled")
        if known is not None and time.monotonic() - known[0] < max_age:
            return known[1]
        _remembered["disabled"] = (time.monotonic(), _load_disabled())
        return _remembered["disabled"][1]
    if request is None:
        return _load_disabled()
    cached = getattr(request, "_disabled_modules", None)
    if cached is None:
        cached = _load_disabled()
        request._disabled_modules = cached  # type: ignore[attr-defined]
    return cached


def is_enabled(code: str, request: HttpRequest | None = None, *, max_age: float = 0.0) -> bool:
    return code not in disabled_modules(request, max_age=max_age)


def hidden_admin(disabled: frozenset[str]) -> tuple[set[str], set[tuple[str, str]]]:
    apps: set[str] = set()
    models: set[tuple[str, str]] = set()
    for code in disabled:
        module = MODULES.get(code)
        if module is not None:
            apps.update(module.admin_apps)
            models.update(module.admin_models)
    return apps, models


def hidden_values(disabled: frozenset[str], attribute: str) -> set[str]:
    """Roles, ticket type codes or event groups of the switched-off modules."""
    return {value for code in disabled if code in MODULES for value in getattr(MODULES[code], attribute)}


def _blocked(request: HttpRequest, view_func: Callable[..., Any], view_kwargs: dict[str, Any]) -> bool:
    disabled = disabled_modules(request)
    if not disabled:
        return False
    for code in disabled:
        module = MODULES.get(code)
        if module is not None and any(request.path_info.startswith(p) for p in module.path_prefixes):
            return True
    apps, models = hidden_admin(disabled)
    model_admin = getattr(view_func, "model_admin", None)
    if model_admin is not None:
        opts = model_admin.model._meta
        return opts.app_label in apps or (opts.app_label, opts.model_name) in models
    return view_kwargs.get("app_label") in apps and request.path_info.startswith("/admin/")


class LabelMiddleware:
    """Pages and technologist screens of a switched-off module answer 404, as if they did not exist."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        if _blocked(request, view_func, view_kwargs):
            raise Http404("this module is switched off")

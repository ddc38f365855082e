"""The technologist interface: Django's admin, with its index grouped the way ITSM 365's settings are.

Models are placed into sections by (app_label, model name); anything unlisted stays under its app's
own heading, so apps added later appear without touching this file.
"""

from __future__ import annotations

import logging
from functools import wraps
from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import DataError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from .admin_grammar import GrammarMixin

log = logging.getLogger(__name__)

SECTIONS: list[tuple[str, object, list[tuple[str, str]]]] = [
    (
        "org",
        _("Org structure"),
        [
            ("servicedesk", "department"),
            ("servicedesk", "employee"),
            ("servicedesk", "team"),
        ],
    ),
    (
        "access",
        _("Access and logins"),
        [
            ("servicedesk", "user"),
            ("servicedesk", "role"),
            ("servicedesk", "loginfailure"),
            ("servicedesk", "loginlockout"),
            ("servicedesk", "loginrecord"),
        ],
    ),
    ("clients", _("Client base"), [("servicedesk", "company"), ("servicedesk", "contact")]),
    (
        "catalogue",
        _("Agreements and services (SLA)"),
        [
            ("servicedesk", "service"),
            ("servicedesk", "agreement"),
            ("servicedesk", "serviceschedule"),
            ("servicedesk", "holidaycalendar"),
            ("servicedesk", "calendarday"),
            ("servicedesk", "tickettype"),
        ],
    ),
    ("tickets", _("Tickets"), [("servicedesk", "ticket")]),
    (
        "sync",
        _("Synchronisation"),
        [("servicedesk", "importjob"), ("servicedesk", "ldapconnection"), ("servicedesk", "ldapsyncrun")],
    ),
    ("business", _("Business process settings"), [("servicedesk", "moduleswitch")]),
]


class ServiceDeskAdminSite(admin.AdminSite):
    site_header = _("Service desk — technologist interface")
    site_title = _("Service desk settings")
    index_title = _("System settings")

    def has_permission(self, request: HttpRequest) -> bool:
        from . import permissions, roles

        user = request.user
        if not user.is_active:
            return False
        return bool(user.is_staff or permissions.is_technologist(user) or roles.ADMINISTRATOR in user.role_codes())

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        """Every ModelAdmin gets the Russian noun cases of its model (servicedesk/admin_grammar.py)."""
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, GrammarMixin):
            admin_class = type(
                admin_class.__name__, (GrammarMixin, admin_class), {"__module__": admin_class.__module__}
            )
        super().register(model_or_iterable, admin_class, **options)

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        """A filter value the database cannot hold (`?created_at__year=99999999999999999999`)
        answers 400 with a page saying so, not 500; the page is rendered here so that a lazy
        TemplateResponse fails inside this guard too."""
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                response = inner(request, *args, **kwargs)
                if isinstance(response, TemplateResponse):
                    response.render()
                return response
            except (OverflowError, DataError, ValidationError, ValueError) as error:
                # Only a filter or search in the address is refused this way; anything else is a bug.
                if request.method not in ("GET", "HEAD") or not request.GET:
                    raise
                log.info("admin: refused a bad parameter in %s: %s", request.get_full_path(), error)
                body = render_to_string("400.html", {"exception": error}, request=request)
                return HttpResponseBadRequest(body)

        return guarded

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict]:
        from .labels import disabled_modules, hidden_admin

        hidden_apps, hidden_models = hidden_admin(disabled_modules(request))
        apps = [
            {
                **app,
                "models": [
                    m for m in app["models"] if (app["app_label"], m["object_name"].lower()) not in hidden_models
                ],
            }
            for app in super().get_app_list(request, app_label)
            if app["app_label"] not in hidden_apps
        ]
        apps = [app for app in apps if app["models"]]
        if app_label is not None:
            return apps
        by_key = {(app["app_label"], m["object_name"].lower()): (app, m) for app in apps for m in app["models"]}
        placed: set[tuple[str, str]] = set()
        result: list[dict] = []
        for code, title, members in SECTIONS:
            models = [by_key[key][1] for key in members if key in by_key]
            if models:
                placed.update(key for key in members if key in by_key)
                first_app = by_key[next(key for key in members if key in by_key)][0]
                result.append(
                    {**first_app, "name": title, "app_label": first_app["app_label"], "models": models, "section": code}
                )
        for app in apps:
            rest = [m for m in app["models"] if (app["app_label"], m["object_name"].lower()) not in placed]
            if rest:
                result.append({**app, "models": rest})
        return result

"""The technologist interface: Django's admin, with its index grouped the way ITSM 365's settings are.

Models are placed into sections by (app_label, model name); anything unlisted stays under its app's
own heading, so apps added later appear without touching this file.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

SECTIONS: list[tuple[str, object, list[tuple[str, str]]]] = [
    (
        "org",
        _("Org structure"),
        [
            ("servicedesk", "department"),
            ("servicedesk", "employee"),
            ("servicedesk", "team"),
            ("servicedesk", "user"),
            ("auth", "group"),
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
        from . import permissions

        return request.user.is_active and (request.user.is_staff or permissions.is_technologist(request.user))

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

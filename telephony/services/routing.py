"""Who gets the mail about a call (seed 001).

Missed call: every employee it matched who has an e-mail; when it matched nobody, or somebody
without an e-mail, also the technologist's "e-mail for missed call notifications".
Voicemail: every employee who missed the call and has an e-mail, and always the single voicemail
address.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from notifications.recipients import for_employees
from servicedesk.models import Employee

from ..models import TelephonySettings


@dataclass(frozen=True)
class Route:
    address: str
    employee: Employee | None
    language: str
    name: str
    # The recipient's profile zone for the dates in the mail; empty: the installation's TIME_ZONE.
    time_zone: str = ""


def default_language() -> str:
    return "en" if settings.LANGUAGE_CODE.startswith("en") else "ru"


def _employee_routes(employees: list[Employee]) -> list[Route]:
    """The employees with an e-mail, resolved as event actions resolve people (language, zone)."""
    active = [e for e in employees if e.is_active]
    return [
        Route(r.email.strip().lower(), employee, r.language, r.name, r.time_zone)
        for employee, r in zip(active, for_employees(active), strict=True)
        if r.email.strip()
    ]


def _address_route(address: str) -> Route:
    return Route(address.strip().lower(), None, default_language(), address.strip())


def _unique(routes: Iterable[Route]) -> list[Route]:
    seen: dict[str, Route] = {}
    for route in routes:
        seen.setdefault(route.address, route)
    return list(seen.values())


def missed_call_routes(employees: list[Employee], config: TelephonySettings) -> list[Route]:
    routes = _employee_routes(employees)
    needs_fallback = not employees or len(routes) < len(employees)
    if needs_fallback and config.missed_calls_email.strip():
        routes.append(_address_route(config.missed_calls_email))
    return _unique(routes)


def voicemail_routes(employees: list[Employee], config: TelephonySettings) -> list[Route]:
    routes = _employee_routes(employees)
    if config.voicemail_email.strip():
        routes.append(_address_route(config.voicemail_email))
    return _unique(routes)

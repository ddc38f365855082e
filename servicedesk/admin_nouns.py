"""Russian noun cases of the core models and of the auth and login-audit models the technologist
interface shows (servicedesk/admin_grammar.py). The msgids are English; `ru` holds the cases."""

from __future__ import annotations

from django.utils.translation import npgettext_lazy, pgettext_lazy

from .admin_grammar import FEMININE, MASCULINE, NEUTER, Noun

NOUNS: dict[str, Noun] = {
    "servicedesk.user": Noun(
        pgettext_lazy("accusative", "user"),
        pgettext_lazy("accusative plural", "users"),
        pgettext_lazy("genitive", "user"),
        npgettext_lazy("count", "%(count)s user", "%(count)s users", "count"),
        MASCULINE,
    ),
    "servicedesk.role": Noun(
        pgettext_lazy("accusative", "group"),
        pgettext_lazy("accusative plural", "groups"),
        pgettext_lazy("genitive", "group"),
        npgettext_lazy("count", "%(count)s group", "%(count)s groups", "count"),
        FEMININE,
    ),
    "servicedesk.department": Noun(
        pgettext_lazy("accusative", "department"),
        pgettext_lazy("accusative plural", "departments"),
        pgettext_lazy("genitive", "department"),
        npgettext_lazy("count", "%(count)s department", "%(count)s departments", "count"),
        MASCULINE,
    ),
    "servicedesk.employee": Noun(
        pgettext_lazy("accusative", "employee"),
        pgettext_lazy("accusative plural", "employees"),
        pgettext_lazy("genitive", "employee"),
        npgettext_lazy("count", "%(count)s employee", "%(count)s employees", "count"),
        MASCULINE,
    ),
    "servicedesk.team": Noun(
        pgettext_lazy("accusative", "team"),
        pgettext_lazy("accusative plural", "teams"),
        pgettext_lazy("genitive", "team"),
        npgettext_lazy("count", "%(count)s team", "%(count)s teams", "count"),
        FEMININE,
    ),
    "servicedesk.company": Noun(
        pgettext_lazy("accusative", "company"),
        pgettext_lazy("accusative plural", "companies"),
        pgettext_lazy("genitive", "company"),
        npgettext_lazy("count", "%(count)s company", "%(count)s companies", "count"),
        FEMININE,
    ),
    "servicedesk.contact": Noun(
        pgettext_lazy("accusative", "contact person"),
        pgettext_lazy("accusative plural", "contact persons"),
        pgettext_lazy("genitive", "contact person"),
        npgettext_lazy("count", "%(count)s contact person", "%(count)s contact persons", "count"),
        NEUTER,
    ),
    "servicedesk.tickettype": Noun(
        pgettext_lazy("accusative", "ticket type"),
        pgettext_lazy("accusative plural", "ticket types"),
        pgettext_lazy("genitive", "ticket type"),
        npgettext_lazy("count", "%(count)s ticket type", "%(count)s ticket types", "count"),
        MASCULINE,
    ),
    "servicedesk.service": Noun(
        pgettext_lazy("accusative", "service"),
        pgettext_lazy("accusative plural", "services"),
        pgettext_lazy("genitive", "service"),
        npgettext_lazy("count", "%(count)s service", "%(count)s services", "count"),
        FEMININE,
    ),
    "servicedesk.serviceschedule": Noun(
        pgettext_lazy("accusative", "service schedule"),
        pgettext_lazy("accusative plural", "service schedules"),
        pgettext_lazy("genitive", "service schedule"),
        npgettext_lazy("count", "%(count)s service schedule", "%(count)s service schedules", "count"),
        MASCULINE,
    ),
    "servicedesk.agreement": Noun(
        pgettext_lazy("accusative", "agreement"),
        pgettext_lazy("accusative plural", "agreements"),
        pgettext_lazy("genitive", "agreement"),
        npgettext_lazy("count", "%(count)s agreement", "%(count)s agreements", "count"),
        NEUTER,
    ),
    "servicedesk.ticket": Noun(
        pgettext_lazy("accusative", "ticket"),
        pgettext_lazy("accusative plural", "tickets"),
        pgettext_lazy("genitive", "ticket"),
        npgettext_lazy("count", "%(count)s ticket", "%(count)s tickets", "count"),
        FEMININE,
    ),
}

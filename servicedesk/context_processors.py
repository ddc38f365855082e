from __future__ import annotations

from django.http import HttpRequest

from . import permissions


def navigation(request: HttpRequest) -> dict[str, object]:
    """What the header shows: which sections this user may open."""
    # A request refused before AuthenticationMiddleware ran (a bad Host header) has no user yet;
    # its 400 page is rendered with the context processors all the same.
    user = getattr(request, "user", None)
    if user is None:
        return {
            "nav_is_operator": False,
            "nav_is_technologist": False,
            "nav_can_register": False,
            "nav_is_employee": False,
        }
    is_operator = permissions.is_operator(user)
    return {
        "nav_is_operator": is_operator,
        "nav_is_technologist": permissions.is_technologist(user),
        "nav_maintains_org": is_operator and permissions.maintains_org(user),
        "nav_is_requester": not is_operator and user.is_authenticated and permissions.is_requester(user),
        "nav_can_register": permissions.can_register_tickets(user),
        # Every employee has a personal "Mail" section (and a "Mail" tab in the profile).
        "nav_is_employee": permissions.employee_of(user) is not None,
    }

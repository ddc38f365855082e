from __future__ import annotations

from django.http import HttpRequest

from . import permissions


def navigation(request: HttpRequest) -> dict[str, object]:
    """What the header shows: which sections this user may open."""
    user = request.user
    return {
        "nav_is_operator": permissions.is_operator(user),
        "nav_is_technologist": permissions.is_technologist(user),
    }

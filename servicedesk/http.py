"""Request types for views that only run for a logged-in user."""

from __future__ import annotations

from django.http import HttpRequest

from .models import User


class AuthenticatedRequest(HttpRequest):
    """What a view behind a login check receives: `request.user` is a `User`, never anonymous.

    Only a type: annotate such views' `request` with it (the decorators check the login)."""

    user: User

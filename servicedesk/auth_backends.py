"""Model permissions derived from roles, for the technologist interface (Django admin).

The admin asks for `app_label.action_model` permissions. Rather than keeping permission rows in
step with every new model, a technologist holds every permission of the configuration apps; other
roles get none here (the operator interface checks rights through `servicedesk.permissions`).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend

from . import roles

CONFIGURATION_APPS = frozenset({"servicedesk", "mailconf", "notifications", "escalation", "auth"})


def _is_technologist(user: Any) -> bool:
    return bool(user.is_active and not user.is_anonymous and roles.TECHNOLOGIST in user.role_codes())


class RolePermissionBackend(BaseBackend):
    """Authenticates nobody; only answers permission questions."""

    def has_perm(self, user_obj: Any, perm: str, obj: object | None = None) -> bool:
        return _is_technologist(user_obj) and perm.split(".", 1)[0] in CONFIGURATION_APPS

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return _is_technologist(user_obj) and app_label in CONFIGURATION_APPS

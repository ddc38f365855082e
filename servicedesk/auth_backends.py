"""Authentication backends: login throttling, and model permissions derived from roles.

The technologist interface (Django admin) asks for `app_label.action_model` permissions. Rather
than keeping permission rows in step with every new model, they follow from the roles:

- a technologist configures the system: every permission of the configuration apps, except on
  people's access (users, groups, permissions), where it may only look a login up;
- an administrator manages people's access: logins (add, change, set passwords, groups — the
  "Права" of seed 004), the employee card that carries them, and the audit of login attempts;
- nobody but a superuser grants superuser status (servicedesk/admin.py keeps the field from
  everybody else) or changes a superuser's account.
Other roles get no admin permission (the operator interface checks rights through
`servicedesk.permissions`).
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import BaseBackend

from . import roles

CONFIGURATION_APPS = frozenset({"servicedesk", "mailconf", "notifications", "escalation"})
# (app, model) pairs that decide who may do what: an administrator's business, not a technologist's.
ACCESS_MODELS = frozenset(
    {
        ("servicedesk", "user"),
        ("servicedesk", "role"),
        ("auth", "group"),
        ("auth", "permission"),
        ("servicedesk", "loginfailure"),
        ("servicedesk", "loginlockout"),
        ("servicedesk", "loginrecord"),
    }
)
ADMINISTRATOR_PERMISSIONS = frozenset(
    {
        "servicedesk.view_user",
        "servicedesk.add_user",
        "servicedesk.change_user",
        "servicedesk.view_employee",
        "servicedesk.change_employee",
        "servicedesk.view_loginfailure",
        "servicedesk.view_loginlockout",
        "servicedesk.delete_loginlockout",
        "servicedesk.view_loginrecord",
    }
)
ADMINISTRATOR_APPS = frozenset({"servicedesk"})


def _codes(user: Any) -> frozenset[str]:
    if not user.is_active or user.is_anonymous:
        return frozenset()
    return user.role_codes()


def _technologist_may(perm: str) -> bool:
    app, _dot, codename = perm.partition(".")
    action, _sep, model = codename.partition("_")
    if (app, model) in ACCESS_MODELS:
        # Seeing a login is needed to link it to an employee card; changing it is not theirs.
        return (app, model, action) == ("servicedesk", "user", "view")
    return app in CONFIGURATION_APPS


class RolePermissionBackend(BaseBackend):
    """Authenticates nobody; only answers permission questions."""

    def has_perm(self, user_obj: Any, perm: str, obj: object | None = None) -> bool:
        codes = _codes(user_obj)
        if roles.TECHNOLOGIST in codes and _technologist_may(perm):
            return True
        return roles.ADMINISTRATOR in codes and perm in ADMINISTRATOR_PERMISSIONS

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        codes = _codes(user_obj)
        if roles.TECHNOLOGIST in codes and app_label in CONFIGURATION_APPS:
            return True
        return roles.ADMINISTRATOR in codes and app_label in ADMINISTRATOR_APPS


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' throttle for logins over HTTP (/login/, /admin/login/): per account and per
    address, with a lockout that expires (settings: AXES_*). An authentication without a request
    (a management command, a test client's login) has nothing to throttle and is left to the
    other backends."""

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class DirectoryPasswordBackend(BaseBackend):
    """Employees kept by an LDAP sync log in with their directory password, checked by the
    directory at each login (servicedesk/ldap_sync/login.py). After the throttle, before the
    local passwords."""

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        from .ldap_sync.login import directory_user

        return directory_user(username or "", password or "")

    def get_user(self, user_id: int) -> Any:
        from .models import User

        return User.objects.filter(pk=user_id, is_active=True).first()

"""Access from the person cards ("Generate a password and send it" / "Send a new password") and
the page behind the mailed link where the person chooses a password."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import permissions
from ..services.access import give_access
from .access import _get_contact_for_user, _get_employee_for_user, operator_required


@operator_required
@require_POST
def send_access(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if not permissions.manages_access(request.user):
        raise PermissionDenied
    if kind not in ("employee", "contact"):
        raise Http404
    person: Any = _get_employee_for_user(request, pk) if kind == "employee" else _get_contact_for_user(request, pk)
    had_password = person.user is not None and person.user.has_usable_password()
    actor: Any = request.user
    try:
        user = give_access(person=person, actor=actor, login=request.POST.get("login", ""))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        text = (
            _("A link to choose a new password is sent to %(email)s (login %(login)s).")
            if had_password
            else _("Access is given: a link to choose a password is sent to %(email)s (login %(login)s).")
        )
        messages.success(request, text % {"email": person.email, "login": user.username})
    return redirect("employee_detail" if kind == "employee" else "contact_detail", pk=pk)


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The one-time link: choose a password, get logged in, land where this person works."""

    template_name = "servicedesk/access/set_password.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("ticket_list")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set. Welcome!"))
        return response

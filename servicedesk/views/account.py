"""The user's own account: logging out, and the profile (interface language and time zone)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..forms.profile import ProfileForm


@require_http_methods(["GET", "HEAD", "POST"])
def logout(request: HttpRequest) -> HttpResponse:
    """POST logs out (Django refuses GET, which a link or a prefetch could trigger); GET, e.g. a
    typed /logout/ or an old bookmark, answers with a page that offers the button."""
    if request.method == "POST":
        return auth_views.LogoutView.as_view()(request)
    return render(request, "registration/logout_confirm.html")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Profile saved."))
        response = redirect("profile")
        # The saved language wins over the RU/EN switch's cookie from now on.
        response.delete_cookie("django_language")
        return response
    return render(request, "servicedesk/profile.html", {"form": form})

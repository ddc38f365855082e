""" "Check" and "Turn on/off" on a connection card, shared by the outgoing and incoming cards.

"Check" is a second submit button of the card's own form (``name="_check"``): the values as typed
are validated and checked without saving, and the card is shown again with those values and the
outcome — what was verified, or the classified failure. Without JavaScript it works the same.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mailconf.connections.forms import SECRET_FIELDS, protocol_field_css
from mailconf.connections.status import check_settings
from mailconf.models import MailConnection

CHECK = "_check"


class ConnectionCardMixin(admin.ModelAdmin):
    """The card's "Check" (of the typed values) and "Turn on/off" (of the stored connection)."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "POST" and CHECK in request.POST:
            return self._check_typed(request, object_id, form_url)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _card_object(self, request: HttpRequest, object_id: str | None) -> MailConnection | None:
        if object_id is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
            return None
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def _check_typed(self, request: HttpRequest, object_id: str | None, form_url: str) -> HttpResponse:
        obj = self._card_object(request, object_id)
        # The form works on its own copy: the card's buttons keep showing the stored state.
        instance = self.get_object(request, unquote(object_id)) if object_id else self.model()
        form = self.get_form(request, obj, change=obj is not None)(request.POST, request.FILES, instance=instance)
        if form.is_valid():
            outcome = check_settings(form.save(commit=False))
            (messages.success if outcome.ok else messages.error)(request, outcome.text)
            if any(form.cleaned_data.get(name) for name in SECRET_FIELDS):
                # Secrets are write-only: the page never shows one back, so saving needs it again.
                messages.warning(
                    request, _("The typed password or secret was checked, not saved: type it again to save.")
                )
        else:
            messages.error(request, _("Nothing was checked: correct the errors below first."))
        admin_form = helpers.AdminForm(
            form,
            list(self.get_fieldsets(request, obj)),  # type: ignore[arg-type]
            {},
            self.get_readonly_fields(request, obj),
            model_admin=self,
        )
        context = {
            **self.admin_site.each_context(request),
            "title": "",
            "subtitle": str(obj) if obj else None,
            "adminform": admin_form,
            "object_id": object_id,
            "original": obj,
            "is_popup": False,
            "to_field": None,
            "media": self.media + admin_form.media,
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, []),
            "preserved_filters": self.get_preserved_filters(request),
        }
        return self.render_change_form(
            request, context, add=obj is None, change=obj is not None, obj=obj, form_url=form_url
        )

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        context["protocol_field_css"] = protocol_field_css(self.model)
        return super().render_change_form(request, context, *args, **kwargs)

    def connection_urls(self, prefix: str) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [path("<int:pk>/toggle/", view(require_POST(self.toggle_view)), name=f"{prefix}_toggle")]

    def toggle_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        conn = self._card_object(request, str(pk))
        assert conn is not None
        conn.enabled = not conn.enabled
        conn.save(update_fields=["enabled", "updated_at"])
        self.toggled(request, conn)
        opts = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk]))

    def toggled(self, request: HttpRequest, conn: MailConnection) -> None:
        messages.success(request, _("Turned on.") if conn.enabled else _("Turned off."))

"""System settings → Webhooks: the endpoint cards and the delivery log (technologists only)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from notifications.admin import TechnologistAccess

from . import services
from .forms import WebhookForm
from .models import Webhook, WebhookDelivery


@admin.register(Webhook)
class WebhookAdmin(TechnologistAccess, admin.ModelAdmin):
    form = WebhookForm
    list_display = ("name", "url", "enabled", "consecutive_failures", "last_success_at", "disabled_reason")
    readonly_fields = ("consecutive_failures", "last_success_at", "disabled_reason")
    filter_horizontal = ("actions",)
    actions = ("switch_on", "send_test")
    fieldsets = (
        (None, {"fields": ("name", "url", "enabled", "secret", "actions")}),
        (_("Payload"), {"fields": ("payload",)}),
        (_("State"), {"fields": readonly_fields}),
    )

    @admin.action(description=_("Switch on again"))
    def switch_on(self, request: HttpRequest, queryset: QuerySet[Webhook]) -> None:
        for hook in queryset:
            services.switch_on(hook)
        messages.success(request, gettext("Switched on; the waiting calls will be made."))

    @admin.action(description=_("Send a test call"))
    def send_test(self, request: HttpRequest, queryset: QuerySet[Webhook]) -> None:
        for hook in queryset:
            row = services.send_test(hook)
            if row.status == WebhookDelivery.Status.SENT:
                messages.success(
                    request, gettext("%(name)s answered %(code)s.") % {"name": hook.name, "code": row.response_status}
                )
            else:
                messages.error(request, gettext("%(name)s: %(error)s") % {"name": hook.name, "error": row.last_error})


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(TechnologistAccess, admin.ModelAdmin):
    list_display = ("created_at", "webhook", "event", "status", "attempts", "response_status", "next_attempt_at")
    list_filter = ("status", "webhook")
    readonly_fields = (
        "webhook",
        "occurrence_id",
        "event",
        "body",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "response_status",
        "created_at",
        "sent_at",
    )
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

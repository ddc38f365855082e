"""Django admin under "System settings → Mail": the outgoing connection card and the outbox."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from mailconf.connections import settings_saved
from mailconf.connections.explain import error_text
from mailconf.connections.forms import OutgoingConnectionForm
from mailconf.models import OutboxMessage, OutboxStatus, OutgoingConnection, RecipientStatus
from mailconf.outbox import cancel_messages, deliver_due, outbox_summary, resend_messages, send_test_mail

from .canary import summary_of_all
from .checking import ConnectionCardMixin
from .settings_code import settings_code_view


@admin.register(OutgoingConnection)
class OutgoingConnectionAdmin(ConnectionCardMixin, admin.ModelAdmin):
    form = OutgoingConnectionForm
    change_form_template = "mailconf/admin/outgoing_change_form.html"
    list_display = (
        "__str__",
        "protocol",
        "enabled",
        "check_status",
        "last_checked_at",
        "last_success_at",
        "consecutive_failures",
    )
    readonly_fields = (
        "check_status",
        "last_checked_at",
        "last_success_at",
        "consecutive_failures",
        "last_error_text",
        "oauth_token_expires_at",
        "outbox",
        "mail_canaries",
    )
    fieldsets = (
        (
            gettext_lazy("Outgoing mail server"),
            {
                "fields": (
                    "protocol",
                    "enabled",
                    "host",
                    "port",
                    "encryption",
                    "verify_certificate",
                    "auth",
                    "login",
                    "password",
                    "oauth2",
                    "client_id",
                    "tenant_id",
                    "client_secret",
                    "ews_url",
                )
            },
        ),
        (gettext_lazy("Sending mail"), {"fields": ("reply_to", "from_address", "sender_name")}),
        (
            gettext_lazy("Notifications"),
            {"fields": ("notifications_enabled", "signature", "notify_unregistered", "admin_email")},
        ),
        (gettext_lazy("Connection check"), {"fields": readonly_fields}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        OutgoingConnection.load()  # the single card always exists
        return super().changelist_view(request, extra_context)

    @admin.display(description=gettext_lazy("outbox"))
    def outbox(self, obj: OutgoingConnection) -> str:
        summary = outbox_summary()
        labels = dict(OutboxStatus.choices)
        return format_html_join(", ", "{}: {}", ((labels.get(k, k), n) for k, n in sorted(summary.items()))) or "—"

    @admin.display(description=gettext_lazy("last error"))
    def last_error_text(self, obj: OutgoingConnection) -> str:
        return error_text(obj.last_error_reason, obj.last_error, protocol=obj.get_protocol_display())

    @admin.display(description=gettext_lazy("mail canaries"))
    def mail_canaries(self, obj: OutgoingConnection) -> str:
        return summary_of_all()

    def save_model(self, request: HttpRequest, obj: OutgoingConnection, form: Any, change: bool) -> None:
        obj.save()
        settings_saved(form, obj)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/send-test/", view(require_POST(self.send_test_view)), name="mailconf_outgoing_test"),
            *self.connection_urls("mailconf_outgoing"),
            path("settings-as-code/", view(self.settings_code), name="mailconf_settings_code"),
            *super().get_urls(),
        ]

    def settings_code(self, request: HttpRequest) -> HttpResponse:
        return settings_code_view(request, self)

    def _back(self, pk: int) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:mailconf_outgoingconnection_change", args=[pk]))

    def _allowed(self, request: HttpRequest, pk: int) -> OutgoingConnection:
        conn = get_object_or_404(OutgoingConnection, pk=pk)
        if not self.has_change_permission(request, conn):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return conn

    @staticmethod
    def _error(row: OutboxMessage) -> str:
        return error_text(row.last_error_reason, row.last_error)

    def send_test_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        conn = self._allowed(request, pk)
        user_email = request.user.email if request.user.is_authenticated else ""
        to = request.POST.get("to", "").strip() or conn.admin_email or user_email
        if not to:
            messages.error(request, _("Enter the address to send the test message to."))
            return self._back(pk)
        with transaction.atomic():
            row = send_test_mail(to=to)
        # The button uses the same path as real mail; delivering now shows the outcome at once.
        deliver_due(ids=[row.pk])
        row.refresh_from_db()
        if row.status == "sent":
            messages.success(request, _("Test message sent to %(to)s.") % {"to": to})
        else:
            messages.warning(
                request,
                _("Test message to %(to)s: %(status)s. %(error)s")
                % {"to": to, "status": row.get_status_display(), "error": self._error(row)},
            )
        return self._back(pk)

    def toggled(self, request: HttpRequest, conn: Any) -> None:
        messages.success(request, _("Outgoing mail turned on.") if conn.enabled else _("Outgoing mail turned off."))


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "status",
        "kind",
        "addressees",
        "subject",
        "attempts",
        "next_attempt_at",
        "short_error",
    )
    list_filter = ("status", "kind")
    search_fields = ("subject", "message_id")
    date_hierarchy = "created_at"
    actions = ("resend", "cancel")
    exclude = ("raw", "recipients", "text", "html", "headers", "last_error", "last_error_reason")
    readonly_fields = (
        "message_id",
        "kind",
        "status",
        "recipient_results",
        "subject",
        "reply_to",
        "in_reply_to",
        "references",
        "auto_submitted",
        "ticket_id",
        "attempts",
        "next_attempt_at",
        "last_attempt_at",
        "give_up_at",
        "last_error_text",
        "created_at",
        "sent_at",
        "text",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("addressed to"))
    def addressees(self, obj: OutboxMessage) -> str:
        # A property has no label of its own: the column header would read "TO DISPLAY".
        return obj.to_display

    @admin.display(description=gettext_lazy("last error"))
    def short_error(self, obj: OutboxMessage) -> str:
        return error_text(obj.last_error_reason, obj.last_error)[:160]

    @admin.display(description=gettext_lazy("last error"))
    def last_error_text(self, obj: OutboxMessage) -> str:
        return error_text(obj.last_error_reason, obj.last_error)

    @admin.display(description=gettext_lazy("recipients"))
    def recipient_results(self, obj: OutboxMessage) -> str:
        labels = dict(RecipientStatus.choices)
        rows = (
            (addr, info.get("kind", ""), labels.get(info.get("status"), info.get("status")), info.get("error", ""))
            for addr, info in obj.recipients.items()
        )
        return format_html(
            "<table>{}</table>", format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
        )

    @admin.action(description=gettext_lazy("Resend"), permissions=["change"])
    def resend(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = resend_messages(list(queryset.values_list("pk", flat=True)))
        messages.success(request, _("Queued again: %(count)d.") % {"count": count})

    @admin.action(description=gettext_lazy("Cancel"), permissions=["change"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = cancel_messages(list(queryset.values_list("pk", flat=True)))
        messages.success(request, _("Cancelled: %(count)d.") % {"count": count})

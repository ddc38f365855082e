"""Django admin for incoming mail: the connection cards ("Incoming mail") and the mail log.

Imported by mailconf/admin/__init__.py, which the admin's autodiscovery imports.
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mailconf.connections import check_connection
from mailconf.connections.explain import error_text
from mailconf.connections.forms import IncomingConnectionForm
from mailconf.inbound import poll_connection, reprocess
from mailconf.inbound.ledger import read_raw
from mailconf.models import IncomingConnection, ProcessedMessage

from .canary import card_link
from .checking import ConnectionCardMixin

STATUS_FIELDS = (
    "check_status",
    "last_checked_at",
    "last_success_at",
    "consecutive_failures",
    "last_error_text",
    "oauth_token_expires_at",
    "next_poll_at",
    "canary_proof",
)


@admin.register(IncomingConnection)
class IncomingConnectionAdmin(ConnectionCardMixin, admin.ModelAdmin):
    form = IncomingConnectionForm
    change_form_template = "mailconf/admin/incoming_change_form.html"
    list_display = (
        "name",
        "protocol",
        "login",
        "enabled",
        "check_status",
        "last_checked_at",
        "last_success_at",
        "consecutive_failures",
    )
    list_filter = ("protocol", "enabled", "check_status")
    readonly_fields = STATUS_FIELDS
    actions = ("check_selected", "poll_selected")
    fieldsets = (
        (
            gettext_lazy("Incoming mail server"),
            {
                "fields": (
                    "name",
                    "protocol",
                    "enabled",
                    "host",
                    "port",
                    "encryption",
                    "verify_certificate",
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
        (gettext_lazy("Folders and polling"), {"fields": ("interval", "folders", "processed_folder", "error_folder")}),
        (
            gettext_lazy("Processing rule"),
            {
                "fields": (
                    "ticket_type",
                    "service",
                    "agreement",
                    "team",
                    "unregistered",
                    "accept_unknown_replies",
                    "auto_replies",
                    "closed_tickets",
                )
            },
        ),
        (gettext_lazy("Connection check"), {"fields": STATUS_FIELDS}),
    )

    def get_urls(self) -> list[URLPattern]:
        return [*self.connection_urls("mailconf_incoming"), *super().get_urls()]

    @admin.display(description=gettext_lazy("server message"))
    def last_error_text(self, obj: IncomingConnection) -> str:
        return error_text(obj.last_error_reason, obj.last_error, protocol=obj.get_protocol_display())

    def toggled(self, request: HttpRequest, conn: Any) -> None:
        text = _("%(name)s: mail is read again.") if conn.enabled else _("%(name)s: mail is no longer read.")
        messages.success(request, text % {"name": conn.name})

    @admin.display(description=gettext_lazy("mail canary"))
    def canary_proof(self, obj: IncomingConnection) -> str:
        return card_link(obj.pk) if obj.pk else "—"

    @admin.action(description=gettext_lazy("Check the connection"), permissions=["change"])
    def check_selected(self, request: HttpRequest, queryset: QuerySet[IncomingConnection]) -> None:
        for conn in queryset:
            outcome = check_connection(conn)
            (messages.success if outcome.ok else messages.error)(
                request, _("%(name)s: %(outcome)s") % {"name": conn.name, "outcome": outcome.text}
            )

    @admin.action(description=gettext_lazy("Fetch mail now"), permissions=["change"])
    def poll_selected(self, request: HttpRequest, queryset: QuerySet[IncomingConnection]) -> None:
        for conn in queryset:
            counts = poll_connection(conn.pk)
            if counts is None:
                messages.warning(request, _("%(name)s is being read by a worker right now.") % {"name": conn.name})
            elif counts.error:
                messages.error(request, _("%(name)s: %(error)s") % {"name": conn.name, "error": counts.error})
            else:
                messages.success(
                    request,
                    _(
                        "%(name)s: %(fetched)d fetched, %(tickets)d tickets, %(comments)d comments, %(ignored)d ignored, "
                        "%(failed)d failed, %(duplicates)d duplicates."
                    )
                    % {"name": conn.name, **counts.as_dict()},
                )


@admin.register(ProcessedMessage)
class ProcessedMessageAdmin(admin.ModelAdmin):
    """The mail log for technologists: every message seen, what it became, and its raw source."""

    list_display = (
        "received_at",
        "connection_name",
        "sender",
        "subject",
        "result",
        "short_reason",
        "ticket_link",
        "raw_link",
    )
    list_filter = ("result", "connection_name")
    search_fields = ("sender", "subject", "message_id", "server_id")
    date_hierarchy = "received_at"
    actions = ("reprocess_selected",)
    list_select_related = ("ticket",)
    fields = (
        "received_at",
        "connection_name",
        "folder",
        "server_id",
        "message_id",
        "sender",
        "sender_name",
        "subject",
        "size",
        "result",
        "reason",
        "ticket_link",
        "comment",
        "duplicate_of",
        "outbox_message_id",
        "bounce",
        "processed_at",
        "acknowledged_at",
        "attempts",
        "raw_link",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The log is the exactly-once ledger: deleting a row would let its message be imported again.
        return False

    @admin.display(description=gettext_lazy("reason"))
    def short_reason(self, obj: ProcessedMessage) -> str:
        return obj.reason[:120]

    @admin.display(description=gettext_lazy("ticket"))
    def ticket_link(self, obj: ProcessedMessage) -> str:
        if obj.ticket_id is None:
            return "—"
        return format_html(
            '<a href="{}">#{}</a>', reverse("admin:servicedesk_ticket_change", args=[obj.ticket_id]), obj.ticket_id
        )

    @admin.display(description=gettext_lazy("raw message"))
    def raw_link(self, obj: ProcessedMessage) -> str:
        if not obj.has_raw:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:mailconf_processedmessage_raw", args=[obj.pk]), _("download .eml")
        )

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [path("<int:pk>/raw/", view(self.raw_view), name="mailconf_processedmessage_raw"), *super().get_urls()]

    def raw_view(self, request: HttpRequest, pk: int) -> FileResponse:
        entry = get_object_or_404(ProcessedMessage, pk=pk)
        if not self.has_view_permission(request, entry):
            raise PermissionDenied
        if not entry.has_raw:
            raise Http404(_("This message was not downloaded."))
        try:
            raw = read_raw(entry)
        except FileNotFoundError as exc:  # a file deleted from storage by hand
            raise Http404(_("This message was not downloaded.")) from exc
        return FileResponse(
            io.BytesIO(raw), as_attachment=True, filename=f"message-{entry.pk}.eml", content_type="message/rfc822"
        )

    @admin.action(description=gettext_lazy("Reprocess"), permissions=["change"])
    def reprocess_selected(self, request: HttpRequest, queryset: QuerySet[ProcessedMessage]) -> None:
        done = 0
        for entry in queryset:
            if not entry.has_raw or entry.connection_id is None:
                messages.warning(request, _("Entry %(pk)d has no stored message or connection.") % {"pk": entry.pk})
                continue
            result = reprocess(entry)
            done += 1
            messages.info(
                request,
                _("Entry %(pk)d: %(result)s %(reason)s")
                % {"pk": entry.pk, "result": result.get_result_display(), "reason": result.reason},
            )
        messages.success(request, _("Reprocessed: %(count)d.") % {"count": done})

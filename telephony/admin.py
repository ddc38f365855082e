"""System settings → Telephony: PBXs and their tokens, the mail addresses and templates (with a
preview and a test message), the call-back rules, and a read-only journal of calls."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Max, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, npgettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from notifications.admin import TechnologistAccess
from servicedesk import permissions
from servicedesk.admin_grammar import FEMININE, MASCULINE, NEUTER, Noun, register_nouns
from servicedesk.models import User

from . import events, outbox
from .compose import missed_mail, voicemail_mail
from .forms import CallPreviewForm, TelephonySettingsForm
from .models import CallbackRule, CallKind, MissedCallDigest, Pbx, PbxCall, PbxToken, TelephonySettings
from .services.routing import default_language
from .services.tokens import create_token, revoke_tokens

# Russian noun cases of this app's models in the admin's sentences (servicedesk/admin_grammar.py).
register_nouns(
    {
        Pbx: Noun(
            pgettext_lazy("accusative", "PBX"),
            pgettext_lazy("accusative plural", "PBXs and API tokens"),
            pgettext_lazy("genitive", "PBX"),
            npgettext_lazy("count", "%(count)s PBX", "%(count)s PBXs", "count"),
            FEMININE,
        ),
        PbxToken: Noun(
            pgettext_lazy("accusative", "API token"),
            pgettext_lazy("accusative plural", "API tokens"),
            pgettext_lazy("genitive", "API token"),
            npgettext_lazy("count", "%(count)s API token", "%(count)s API tokens", "count"),
            MASCULINE,
        ),
        PbxCall: Noun(
            pgettext_lazy("accusative", "call"),
            pgettext_lazy("accusative plural", "calls"),
            pgettext_lazy("genitive", "call"),
            npgettext_lazy("count", "%(count)s call", "%(count)s calls", "count"),
            MASCULINE,
        ),
        MissedCallDigest: Noun(
            pgettext_lazy("accusative", "missed-call mail"),
            pgettext_lazy("accusative plural", "missed-call mails"),
            pgettext_lazy("genitive", "missed-call mail"),
            npgettext_lazy("count", "%(count)s missed-call mail", "%(count)s missed-call mails", "count"),
            NEUTER,
        ),
        CallbackRule: Noun(
            pgettext_lazy("accusative", "call-back rule"),
            pgettext_lazy("accusative plural", "call-back rules"),
            pgettext_lazy("genitive", "call-back rule"),
            npgettext_lazy("count", "%(count)s call-back rule", "%(count)s call-back rules", "count"),
            NEUTER,
        ),
    }
)


def _placeholder_list(kind: str) -> SafeString:
    rows = format_html_join("", "<li><code>{}</code> — {}</li>", events.placeholders(kind).items())
    return format_html('<ul class="placeholders">{}</ul>', rows)


@admin.register(TelephonySettings)
class TelephonySettingsAdmin(TechnologistAccess, admin.ModelAdmin):
    form = TelephonySettingsForm
    readonly_fields = ("missed_placeholders", "voicemail_placeholders")
    change_form_template = "telephony/admin/settings_change_form.html"
    fieldsets = (
        (_("Addresses"), {"fields": ("missed_calls_email", "voicemail_email", "missed_window_seconds")}),
        (_("Missed call notification"), {"fields": ("missed_placeholders", *TelephonySettings.MISSED_FIELDS)}),
        (_("Voicemail"), {"fields": ("voicemail_placeholders", *TelephonySettings.VOICEMAIL_FIELDS)}),
    )

    @admin.display(description=_("available placeholders"))
    def missed_placeholders(self, obj: TelephonySettings | None) -> SafeString:
        return _placeholder_list("missed")

    @admin.display(description=_("available placeholders"))
    def voicemail_placeholders(self, obj: TelephonySettings | None) -> SafeString:
        return _placeholder_list("voicemail")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        config = TelephonySettings.load()
        return HttpResponseRedirect(reverse("admin:telephony_telephonysettings_change", args=[config.pk]))

    def get_urls(self) -> list:
        own = [
            path(
                "preview/",
                self.admin_site.admin_view(self.preview_view),
                name="telephony_telephonysettings_preview",
            )
        ]
        return own + super().get_urls()

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        """Render a template from a real call (or sample values); POST queues it as a test."""
        config = TelephonySettings.load()
        user = request.user
        assert isinstance(user, User)  # admin_view lets only logged-in staff through
        data = request.POST if request.method == "POST" else request.GET
        initial = {"kind": CallKind.MISSED, "language": default_language(), "to": user.email}
        form = CallPreviewForm(data if "kind" in data else None, initial=initial)
        composed = None
        if form.is_valid():
            call = form.cleaned_data.get("call_obj") or _sample_call(form.cleaned_data["kind"])
            language = form.cleaned_data["language"]
            name = user.get_full_name() or user.get_username()
            if call.kind == CallKind.MISSED:
                composed = missed_mail([call], language=language, recipient_name=name, config=config)
            else:
                composed = voicemail_mail(call, language=language, recipient_name=name, config=config)
            if request.method == "POST":
                return self._send_test(request, form, call, composed)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": config,
            "title": gettext("Preview of the telephony mail"),
            "form": form,
            "letter": composed,
        }
        return TemplateResponse(request, "notifications/admin/preview.html", context)

    def _send_test(self, request: HttpRequest, form: CallPreviewForm, call: PbxCall, composed: Any) -> HttpResponse:
        to = form.cleaned_data["to"] or getattr(request.user, "email", "")
        if not to:
            self.message_user(request, gettext("Give an address for the test message."), messages.ERROR)
        else:
            attachments: tuple[outbox.Attachment, ...] = ()
            if call.pk and call.audio:
                with call.audio.open("rb") as handle:
                    attachments = (outbox.Attachment(call.audio_name, handle.read(), call.audio_type),)
            outbox.queue([outbox.Mail(to, composed.subject, composed.text, attachments)])
            self.message_user(
                request, gettext("The test message to %(to)s is in the outbox.") % {"to": to}, messages.SUCCESS
            )
        url = reverse("admin:telephony_telephonysettings_preview")
        return HttpResponseRedirect(f"{url}?kind={form.cleaned_data['kind']}&language={form.cleaned_data['language']}")


def _sample_call(kind: str) -> PbxCall:
    """What a preview shows before the PBX reported anything."""
    return PbxCall(
        kind=kind,
        caller_id='"Alexey Portnov" <101>',
        caller_name="Alexey Portnov",
        caller_number="101",
        to="201",
        duration=17,
        cause="NOANSWER",
        called_at=datetime(2025, 3, 14, 6, 26, 53, tzinfo=UTC),
    )


class TokenInline(admin.TabularInline):
    model = PbxToken
    fields = ("prefix", "created_at", "created_by", "last_used_at", "revoked_at", "revoke_button")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # created with the "Create token" button, which shows the token once

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return permissions.is_technologist(request.user) or super().has_view_permission(request, obj)

    @admin.display(description="")
    def revoke_button(self, obj: PbxToken) -> SafeString | str:
        if not obj.pk or obj.revoked_at is not None:
            return ""
        url = reverse("admin:telephony_pbxtoken_revoke", args=[obj.pk])
        return format_html(
            '<button type="submit" class="button" formaction="{}" formmethod="post">{}</button>', url, gettext("Revoke")
        )


@admin.register(Pbx)
class PbxAdmin(TechnologistAccess, admin.ModelAdmin):
    list_display = ("name", "note", "active_tokens", "last_used", "calls_count")
    search_fields = ("name", "note")
    fields = ("name", "note")
    inlines = [TokenInline]
    change_form_template = "telephony/admin/pbx_change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(_calls=Count("calls", distinct=True), _last_used=Max("tokens__last_used_at"))
        )

    @admin.display(description=_("active tokens"))
    def active_tokens(self, obj: Pbx) -> int:
        return obj.tokens.filter(revoked_at__isnull=True).count()

    @admin.display(description=_("last used"), ordering="_last_used")
    def last_used(self, obj: Pbx) -> Any:
        return getattr(obj, "_last_used", None) or "—"

    @admin.display(description=_("calls"), ordering="_calls")
    def calls_count(self, obj: Pbx) -> int:
        return getattr(obj, "_calls", 0)

    def get_urls(self) -> list:
        own = [
            path(
                "<int:pk>/new-token/",
                self.admin_site.admin_view(require_POST(self.new_token_view)),
                name="telephony_pbx_new_token",
            )
        ]
        return own + super().get_urls()

    def new_token_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Create a token and show it this once: only its hash is kept."""
        pbx = get_object_or_404(Pbx, pk=pk)
        if not self.has_change_permission(request, pbx):
            return HttpResponse(status=403)
        user = request.user if isinstance(request.user, User) else None
        row, token = create_token(pbx_name=pbx.name, actor=user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": pbx,
            "title": gettext("New token for %(pbx)s") % {"pbx": pbx.name},
            "token": token,
            "row": row,
            "api_url": request.build_absolute_uri("/api/pbx/v1/missed-calls"),
        }
        return TemplateResponse(request, "telephony/admin/new_token.html", context)


@admin.register(PbxToken)
class PbxTokenAdmin(TechnologistAccess, admin.ModelAdmin):
    list_display = ("pbx", "prefix", "created_at", "created_by", "last_used_at", "state")
    list_filter = ("pbx", ("revoked_at", admin.EmptyFieldListFilter))
    actions = ("revoke",)
    fields = ("pbx", "prefix", "created_at", "created_by", "last_used_at", "revoked_at")
    readonly_fields = fields

    @admin.display(description=_("state"))
    def state(self, obj: PbxToken) -> str:
        return gettext("active") if obj.is_active else gettext("revoked")

    def get_urls(self) -> list:
        own = [
            path(
                "<int:pk>/revoke/",
                self.admin_site.admin_view(require_POST(self.revoke_view)),
                name="telephony_pbxtoken_revoke",
            )
        ]
        return own + super().get_urls()

    def revoke_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        token = get_object_or_404(PbxToken, pk=pk)
        if not self.has_change_permission(request, token):
            return HttpResponse(status=403)
        revoke_tokens(tokens=[token])
        self.message_user(request, gettext("The token %(prefix)s… is revoked.") % {"prefix": token.prefix})
        return HttpResponseRedirect(reverse("admin:telephony_pbx_change", args=[token.pbx_id]))

    @admin.action(description=_("Revoke selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = revoke_tokens(tokens=list(queryset))
        self.message_user(request, gettext("Revoked: %(count)d") % {"count": count}, messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are created on the PBX card, where the new token is shown once


@admin.register(CallbackRule)
class CallbackRuleAdmin(TechnologistAccess, admin.ModelAdmin):
    list_display = ("name", "enabled", "on_voicemail", "missed_calls", "within_minutes", "service", "ticket_type")
    list_filter = ("enabled",)
    fields = ("name", "enabled", "on_voicemail", "missed_calls", "within_minutes", "service", "ticket_type", "priority")


@admin.register(PbxCall)
class PbxCallAdmin(TechnologistAccess, admin.ModelAdmin):
    list_display = ("called_at", "kind", "caller_id", "to", "duration", "pbx", "contact", "mail_note", "handled_at")
    list_filter = ("kind", "pbx", ("handled_at", admin.EmptyFieldListFilter))
    search_fields = ("caller_id", "to", "call_id")
    date_hierarchy = "called_at"

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [f.name for f in PbxCall._meta.fields if f.editable] + ["employees"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(MissedCallDigest)
class MissedCallDigestAdmin(TechnologistAccess, admin.ModelAdmin):
    list_display = ("address", "created_at", "due_at", "sent_at", "outcome", "outbox_id")
    list_filter = ("outcome",)
    search_fields = ("address",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

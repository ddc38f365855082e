"""The technologist's pages of the channels: the Telegram bot card (token write-only, checked with
the Bot API on save), the log of channel messages, and the browsers subscribed to Web Push."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .admin import TechnologistAccess
from .channels import ChannelError
from .models import Dispatch, PushSubscription, TelegramBot
from .telegram.client import BotClient


class TelegramBotForm(forms.ModelForm):
    token = forms.CharField(
        label=_("bot token"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("From @BotFather. Stored encrypted and never shown again; leave empty to keep the current one."),
    )

    class Meta:
        model = TelegramBot
        fields = ("enabled",)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        token = (data.get("token") or "").strip() or self.instance.token
        if data.get("enabled") or data.get("token"):
            if not token:
                raise ValidationError(_("Enter the token BotFather gave you."))
            try:
                self.bot_account = BotClient(token).get_me()
            except ChannelError as error:
                raise ValidationError(_("Telegram does not accept this token: %(error)s") % {"error": error}) from error
        return data


@admin.register(TelegramBot)
class TelegramBotAdmin(TechnologistAccess, admin.ModelAdmin):
    form = TelegramBotForm
    list_display = ("__str__", "enabled", "checked_at", "last_error")
    readonly_fields = ("username", "checked_at", "last_error")
    fields = ("enabled", "token", "username", "checked_at", "last_error")

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        TelegramBot.load()  # the single card always exists
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: TelegramBot, form: Any, change: bool) -> None:
        token = (form.cleaned_data.get("token") or "").strip()
        if token:
            obj.set_token(token)
        account = getattr(form, "bot_account", None)
        if account is not None:
            obj.username, obj.checked_at, obj.last_error = account.get("username") or "", timezone.now(), ""
        super().save_model(request, obj, form, change)


@admin.register(Dispatch)
class DispatchAdmin(TechnologistAccess, admin.ModelAdmin):
    """The delivery log of Web Push and Telegram: what was sent where, and why not (webhooks keep
    their own, "System settings → Webhooks → Webhook delivery log")."""

    list_display = ("created_at", "channel", "target", "status", "attempts", "next_attempt_at", "last_error")
    list_filter = ("channel", "status")
    search_fields = ("target",)
    readonly_fields = (
        "delivery",
        "channel",
        "target",
        "payload",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(PushSubscription)
class PushSubscriptionAdmin(TechnologistAccess, admin.ModelAdmin):
    list_display = ("user", "device", "created_at", "last_success_at")
    search_fields = ("user__username", "device")
    readonly_fields = ("user", "endpoint", "device", "created_at", "last_success_at")
    exclude = ("p256dh", "auth")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

"""The mail canary on both connection cards: set up on the mailbox's card, its proof shown on both."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mailconf.canary import status_of
from mailconf.models import CanaryState, MailCanary


def describe(canary: MailCanary) -> SafeString:
    """ "Last proven delivery 04.12.2026 17:05, lag 42 s — delivered in time"."""
    status = status_of(canary)
    if status.last_proven_at is None:
        proven = _("no proven delivery yet")
    else:
        when = formats.date_format(timezone.localtime(status.last_proven_at), "DATETIME_FORMAT")
        proven = _("last proven delivery %(when)s, lag %(lag)s s") % {
            "when": when,
            "lag": round(status.lag_seconds or 0),
        }
    state = CanaryState(status.state).label
    css = "canary-bad" if status.state in (CanaryState.LATE, CanaryState.LOST) else "canary-ok"
    return format_html('<span class="{}">{} — {}</span>', css, proven, state)


def summary_of_all() -> SafeString:
    rows = MailCanary.objects.filter(enabled=True).select_related("incoming").order_by("incoming__name")
    return format_html_join(
        SafeString("<br>"), "{}: {}", ((canary.incoming.name, describe(canary)) for canary in rows)
    ) or SafeString("—")


@admin.register(MailCanary)
class MailCanaryAdmin(admin.ModelAdmin):
    """ "Mail canaries": one per mailbox a technologist wants proven; the proof shows on both cards."""

    list_display = ("incoming", "enabled", "target", "interval_minutes", "proof")
    list_filter = ("enabled",)
    fields = ("incoming", "enabled", "address", "interval_minutes", "late_after_minutes", "lost_after_minutes", "proof")
    readonly_fields = ("proof",)

    @admin.display(description=gettext_lazy("address"))
    def target(self, obj: MailCanary) -> str:
        return obj.target

    @admin.display(description=gettext_lazy("last proven delivery"))
    def proof(self, obj: MailCanary) -> SafeString:
        return describe(obj) if obj.pk else SafeString("—")


def card_link(incoming_id: int) -> SafeString:
    """The canary's proof on a mailbox card, linked to its settings (or to switching it on)."""
    canary = MailCanary.objects.filter(incoming_id=incoming_id).first()
    if canary is None:
        url = reverse("admin:mailconf_mailcanary_add") + f"?incoming={incoming_id}"
        return format_html('<a href="{}">{}</a>', url, _("Switch on the mail canary"))
    url = reverse("admin:mailconf_mailcanary_change", args=[canary.pk])
    shown = describe(canary) if canary.enabled else _("off")
    return format_html('{} (<a href="{}">{}</a>)', shown, url, _("settings"))

"""System settings → Event actions: the list with "Turn off"/"Turn on" in every row, copying, and
the template editor with the event's placeholders, a preview from a real ticket and "send test"."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, npgettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from servicedesk import permissions, roles
from servicedesk.admin_grammar import FEMININE, NEUTER, Noun, register_nouns
from servicedesk.http import AuthenticatedRequest
from servicedesk.models import Ticket

from . import catalogue, services
from .forms import EventActionForm, PreviewForm
from .models import Delivery, EventAction, HeldNotification, Notification, Occurrence

# Russian noun cases of this app's models in the admin's sentences (servicedesk/admin_grammar.py).
register_nouns(
    {
        EventAction: Noun(
            pgettext_lazy("accusative", "event action"),
            pgettext_lazy("accusative plural", "event actions"),
            pgettext_lazy("genitive", "event action"),
            npgettext_lazy("count", "%(count)s event action", "%(count)s event actions", "count"),
            NEUTER,
        ),
        Notification: Noun(
            pgettext_lazy("accusative", "notification"),
            pgettext_lazy("accusative plural", "notifications"),
            pgettext_lazy("genitive", "notification"),
            npgettext_lazy("count", "%(count)s notification", "%(count)s notifications", "count"),
            NEUTER,
        ),
        Occurrence: Noun(
            pgettext_lazy("accusative", "event"),
            pgettext_lazy("accusative plural", "events"),
            pgettext_lazy("genitive", "event"),
            npgettext_lazy("count", "%(count)s event", "%(count)s events", "count"),
            NEUTER,
        ),
        Delivery: Noun(
            pgettext_lazy("accusative", "delivery"),
            pgettext_lazy("accusative plural", "deliveries"),
            pgettext_lazy("genitive", "delivery"),
            npgettext_lazy("count", "%(count)s delivery", "%(count)s deliveries", "count"),
            FEMININE,
        ),
    }
)

RECIPIENT_LABELS = (
    ("to_requester", _("requester")),
    ("to_responsible", _("responsible")),
    ("to_team", _("team")),
    ("to_watchers", _("watchers")),
    ("to_agreement_recipients", _("agreement")),
    ("to_team_leader", _("team leader")),
    ("to_assignees", _("assignees")),
)


class EventFilter(admin.SimpleListFilter):
    title = _("event")
    parameter_name = "event"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(code, str(label)) for code, label in catalogue.event_choices()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(event=self.value()) if self.value() else queryset


def copy_action(action: EventAction) -> EventAction:
    """A disabled copy named "… (copy)", with the same conditions, recipients and template."""
    m2m = {
        name: list(getattr(action, name).all())
        for name in ("ticket_types", "services", "teams", "agreements", "groups")
    }
    action.pk = None
    action._state.adding = True
    action.code = ""
    action.enabled = False
    action.name = gettext("%(name)s (copy)") % {"name": action.name}
    action.save()
    for name, values in m2m.items():
        getattr(action, name).set(values)
    return action


class TechnologistAccess:
    """Event actions are the technologist's to manage, whatever model permissions say."""

    def _allowed(self, request: HttpRequest) -> bool:
        return permissions.is_technologist(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request) or super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._allowed(request) or super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._allowed(request) or super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request) or super().has_add_permission(request)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._allowed(request) or super().has_delete_permission(request, obj)  # type: ignore[misc]


@admin.register(EventAction)
class EventActionAdmin(TechnologistAccess, admin.ModelAdmin):
    form = EventActionForm
    list_display = ("name", "event_column", "channel", "recipients_column", "enabled", "is_mandatory", "toggle_column")
    list_display_links = ("name",)
    list_filter = (EventFilter, "channel", "enabled", "is_mandatory")
    search_fields = ("name", "subject_ru", "subject_en")
    actions = ("turn_off", "turn_on", "copy")
    readonly_fields = ("placeholder_list",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "event",
                    "channel",
                    "enabled",
                    "is_mandatory",
                    "is_urgent",
                    "from_responsible_mailbox",
                )
            },
        ),
        (
            _("Conditions (empty: any)"),
            {"fields": ("ticket_types", "services", "priorities", "teams", "agreements", "statuses")},
        ),
        (
            _("Recipients"),
            {
                "fields": (
                    "to_requester",
                    "to_responsible",
                    "to_team",
                    "to_watchers",
                    "to_agreement_recipients",
                    "to_team_leader",
                    "to_assignees",
                    "groups",
                    "addresses",
                    "notify_actor",
                )
            },
        ),
        (
            _("Template"),
            {
                "fields": (
                    "placeholder_list",
                    "subject_ru",
                    "body_ru",
                    "html_ru",
                    "footer_ru",
                    "subject_en",
                    "body_en",
                    "html_en",
                    "footer_en",
                )
            },
        ),
    )
    filter_horizontal = ("ticket_types", "services", "teams", "agreements", "groups")
    change_form_template = "notifications/admin/eventaction_change_form.html"

    @admin.display(description=_("event"), ordering="event")
    def event_column(self, obj: EventAction) -> str:
        return obj.event_label

    @admin.display(description=_("recipients"))
    def recipients_column(self, obj: EventAction) -> str:
        parts = [str(label) for field, label in RECIPIENT_LABELS if getattr(obj, field)]
        # Group names are role codes; show the translated role label instead.
        parts += [str(roles.ROLE_LABELS.get(group.name, group.name)) for group in obj.groups.all()]
        parts += obj.fixed_addresses()
        return ", ".join(parts)

    @admin.display(description="")
    def toggle_column(self, obj: EventAction) -> SafeString:
        url = reverse("admin:notifications_eventaction_toggle", args=[obj.pk])
        label = gettext("Turn off") if obj.enabled else gettext("Turn on")
        return format_html(
            '<button type="submit" class="button" formaction="{}" formmethod="post">{}</button>', url, label
        )

    @admin.display(description=_("available placeholders"))
    def placeholder_list(self, obj: EventAction | None) -> SafeString:
        """Every event's list, the chosen one shown; a small script follows the event field."""
        current = obj.event if obj is not None and obj.pk else ""
        blocks = []
        for spec in catalogue.all_events():
            rows = format_html_join(
                "",
                "<li><code>{}</code> — {}</li>",
                ((name, label) for name, label in catalogue.placeholders_for(spec.code).items()),
            )
            hidden = "" if spec.code == current else " hidden"
            blocks.append(format_html('<ul class="placeholders" data-event="{}"{}>{}</ul>', spec.code, hidden, rows))
        return format_html("{}", SafeString("".join(blocks)))

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("groups")

    def get_urls(self) -> list:
        own = [
            path(
                "<int:pk>/toggle/",
                self.admin_site.admin_view(self.toggle_view),
                name="notifications_eventaction_toggle",
            ),
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="notifications_eventaction_preview",
            ),
        ]
        return own + super().get_urls()

    @admin.action(description=_("Turn off"))
    def turn_off(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.update(enabled=False)
        self.message_user(request, gettext("Turned off: %(count)d") % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Turn on"))
    def turn_on(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.update(enabled=True)
        self.message_user(request, gettext("Turned on: %(count)d") % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Copy"))
    def copy(self, request: HttpRequest, queryset: QuerySet) -> None:
        with transaction.atomic():
            copies = [copy_action(action) for action in queryset]
        self.message_user(
            request, gettext("Copied (the copies are off): %(count)d") % {"count": len(copies)}, messages.SUCCESS
        )

    def toggle_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return require_POST(self._toggle)(request, pk)

    def _toggle(self, request: HttpRequest, pk: int) -> HttpResponse:
        action = get_object_or_404(EventAction, pk=pk)
        if not self.has_change_permission(request, action):
            return HttpResponse(status=403)
        action.enabled = not action.enabled
        action.save(update_fields=["enabled", "updated_at"])
        return HttpResponseRedirect(reverse("admin:notifications_eventaction_changelist"))

    def preview_view(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        """Render the saved template from a ticket chosen by number; POST sends it as a test."""
        action = get_object_or_404(EventAction, pk=pk)
        if not self.has_view_permission(request, action):
            return HttpResponse(status=403)
        data = request.POST if request.method == "POST" else request.GET
        user = request.user
        assert user.is_authenticated  # the admin site lets only staff in
        initial = {
            "language": "ru",
            "to": user.email,
            "ticket": Ticket.objects.order_by("-pk").values_list("pk", flat=True).first(),
        }
        form = PreviewForm(data if "language" in data else None, initial=initial)
        rendered = None
        if form.is_valid():
            ticket, language = form.cleaned_data["ticket"], form.cleaned_data["language"]
            rendered = services.preview_letter(
                action=action,
                ticket=ticket,
                language=language,
                to=form.cleaned_data["to"] or user.email,
                recipient_name=user.get_full_name() or user.get_username(),
            )
            if request.method == "POST" and self.has_change_permission(request, action):
                return self._send_test(request, action, form)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": action,
            "title": gettext("Preview: %(name)s") % {"name": action.name},
            "form": form,
            "letter": rendered,
        }
        return TemplateResponse(request, "notifications/admin/preview.html", context)

    def _send_test(self, request: AuthenticatedRequest, action: EventAction, form: PreviewForm) -> HttpResponse:
        to = form.cleaned_data["to"] or request.user.email
        if not to:
            self.message_user(request, gettext("Give an address for the test message."), messages.ERROR)
        else:
            services.send_test(
                action=action,
                ticket=form.cleaned_data["ticket"],
                language=form.cleaned_data["language"],
                to=to,
                recipient_name=request.user.get_full_name() or request.user.get_username(),
            )
            self.message_user(
                request, gettext("The test message to %(to)s is in the outbox.") % {"to": to}, messages.SUCCESS
            )
        url = reverse("admin:notifications_eventaction_preview", args=[action.pk])
        ticket = form.cleaned_data["ticket"]
        query = f"?language={form.cleaned_data['language']}&to={to}" + (f"&ticket={ticket.pk}" if ticket else "")
        return HttpResponseRedirect(url + query)


def _event_label(code: str) -> str:
    """An event code as the reader's words: the catalogue's label; "digest" is a bundle of several."""
    spec = catalogue.get_event(code)
    if spec:
        return str(spec.label)
    return gettext("digest") if code == "digest" else code


class RecordedEventFilter(admin.SimpleListFilter):
    """The events the rows hold (a "digest" included), under their labels: the plain field filter
    listed raw codes ("ticket.assigned")."""

    title = _("event")
    parameter_name = "event"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        codes = model_admin.get_queryset(request).order_by().values_list("event", flat=True).distinct()
        return sorted(((code, _event_label(code)) for code in codes), key=lambda item: item[1].lower())

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(event=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "title", "event_label", "read_at")
    list_filter = (RecordedEventFilter,)
    search_fields = ("title", "user__username")
    raw_id_fields = ("user", "ticket", "action")

    @admin.display(description=_("event"), ordering="event")
    def event_label(self, obj: Notification) -> str:
        return _event_label(obj.event)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(HeldNotification)
class HeldNotificationAdmin(TechnologistAccess, admin.ModelAdmin):
    """What waits for quiet hours, a digest or the end of a burst; read-only."""

    list_display = ("created_at", "channel", "recipient", "subject", "reason", "release_at", "released_at")
    list_filter = ("reason", "channel")
    search_fields = ("recipient", "subject")
    readonly_fields = (*list_display, "event", "text", "url")
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = ("channel", "recipient", "status", "action", "outbox_id")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Occurrence)
class OccurrenceAdmin(TechnologistAccess, admin.ModelAdmin):
    list_display = ("created_at", "event_label", "ticket_number", "actor", "processed_at")
    list_filter = (RecordedEventFilter,)
    readonly_fields = ("event", "ticket", "actor", "data_view", "created_at", "processed_at")
    exclude = ("data",)  # shown as code by data_view

    @admin.display(description=_("event"), ordering="event")
    def event_label(self, obj: Occurrence) -> str:
        return _event_label(obj.event)

    @admin.display(description=_("ticket"), ordering="ticket_id")
    def ticket_number(self, obj: Occurrence) -> str:
        return f"#{obj.ticket_id}" if obj.ticket_id else "—"

    @admin.display(description=_("data"))
    def data_view(self, obj: Occurrence) -> SafeString:
        # The event's data is technical (keys are code names): shown as code, not as prose.
        return format_html("<pre>{}</pre>", json.dumps(obj.data, ensure_ascii=False, indent=2, sort_keys=True))

    inlines = [DeliveryInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


from . import admin_channels  # noqa: E402, F401  (Telegram bot, channel messages, browser subscriptions)

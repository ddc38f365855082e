"""Operator interface URLs."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from .views import account, attachments, bulk, live, people, ticket_card, tickets

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", account.logout, name="logout"),
    path("profile/", account.profile, name="profile"),
    path("", tickets.ticket_list, name="ticket_list"),
    path("tickets/bulk/", bulk.bulk_action, name="ticket_bulk"),
    path("tickets/export.xlsx", bulk.export_xlsx, name="ticket_export"),
    path("tickets/new/", tickets.ticket_create, name="ticket_create"),
    path("tickets/requesters/", tickets.requester_search, name="requester_search"),
    path("tickets/<int:pk>/", ticket_card.ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/live/", live.ticket_live, name="ticket_live"),
    path("tickets/<int:pk>/take/", ticket_card.take_into_work, name="ticket_take"),
    path("tickets/<int:pk>/status/", ticket_card.change_status, name="ticket_change_status"),
    path("tickets/<int:pk>/assign/", ticket_card.assign, name="ticket_assign"),
    path("tickets/<int:pk>/comments/", ticket_card.add_comment, name="ticket_add_comment"),
    path("tickets/<int:pk>/attachments/", ticket_card.add_attachment, name="ticket_add_attachment"),
    path("tickets/<int:pk>/watchers/", ticket_card.add_watcher, name="ticket_add_watcher"),
    path(
        "tickets/<int:pk>/watchers/<int:watcher_pk>/remove/", ticket_card.remove_watcher, name="ticket_remove_watcher"
    ),
    path("attachments/<int:pk>/", attachments.attachment_download, name="attachment_download"),
    path("people/", people.people, name="people"),
    path("people/employees/<int:pk>/", people.employee_detail, name="employee_detail"),
    path("people/contacts/<int:pk>/", people.contact_detail, name="contact_detail"),
]

"""Operator interface URLs."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from .views import access_links, account, attachments, bulk, live, my_tasks, people, ticket_card, ticket_work, tickets

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
    path("tickets/agreements/", tickets.agreement_options, name="agreement_options"),
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
    path("tickets/<int:pk>/sla/<str:clock>/", ticket_work.ticket_sla, name="ticket_sla"),
    path("tickets/<int:pk>/reclassify/", ticket_work.reclassify, name="ticket_reclassify"),
    path("tickets/<int:pk>/tasks/", ticket_work.add_task, name="ticket_add_task"),
    path("tickets/<int:pk>/approvals/", ticket_work.request_approval, name="ticket_request_approval"),
    path(
        "tickets/<int:pk>/approvals/<int:approval_pk>/cancel/",
        ticket_work.cancel_approval,
        name="ticket_cancel_approval",
    ),
    path("tasks/<int:task_pk>/finish/", ticket_work.finish_task, name="task_finish"),
    path("approvals/<int:approval_pk>/decide/", ticket_work.decide_approval, name="approval_decide"),
    path("my-tasks/", my_tasks.my_tasks, name="my_tasks"),
    path("attachments/<int:pk>/", attachments.attachment_download, name="attachment_download"),
    path("people/", people.people, name="people"),
    path("people/employees/<int:pk>/", people.employee_detail, name="employee_detail"),
    path("people/contacts/<int:pk>/", people.contact_detail, name="contact_detail"),
    path(
        "people/<str:kind>/<int:pk>/access/",
        access_links.send_access,
        name="person_send_access",
    ),
    path(
        "access/set-password/<uidb64>/<token>/",
        access_links.SetPasswordView.as_view(),
        name="access_set_password",
    ),
]

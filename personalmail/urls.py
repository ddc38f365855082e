from __future__ import annotations

from django.urls import path

from .views import compose, mailbox, oauth, settings, tickets

app_name = "personalmail"

urlpatterns = [
    path("", mailbox.index, name="index"),
    path("settings/", settings.mailbox_settings, name="settings"),
    path("settings/delete/", settings.delete, name="delete"),
    path("refresh/", mailbox.refresh, name="refresh"),
    path("folders/<int:pk>/", mailbox.folder, name="folder"),
    path("messages/<int:pk>/", mailbox.message, name="message"),
    path("messages/<int:pk>/mark/", mailbox.mark, name="mark"),
    path("messages/<int:pk>/link/", tickets.link, name="link"),
    path("messages/<int:pk>/ticket/", tickets.create, name="create_ticket"),
    path("attachments/<int:pk>/", mailbox.attachment, name="attachment"),
    path("compose/", compose.compose, name="compose"),
    path("oauth/callback/", oauth.callback, name="oauth_callback"),
]

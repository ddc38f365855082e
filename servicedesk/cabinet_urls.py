"""The client's personal cabinet, under /cabinet/."""

from __future__ import annotations

from django.urls import path

from .views import cabinet

urlpatterns = [
    path("", cabinet.cabinet_home, name="cabinet_home"),
    path("tickets/new/", cabinet.cabinet_create, name="cabinet_create"),
    path("tickets/<int:pk>/", cabinet.cabinet_ticket, name="cabinet_ticket"),
    path("tickets/<int:pk>/comments/", cabinet.cabinet_comment, name="cabinet_comment"),
    path("tickets/<int:pk>/decision/", cabinet.cabinet_decide, name="cabinet_decide"),
    path("attachments/<int:pk>/", cabinet.cabinet_attachment, name="cabinet_attachment"),
]

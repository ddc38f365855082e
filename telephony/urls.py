from __future__ import annotations

from django.urls import path

from . import views

app_name = "telephony"

urlpatterns = [
    path("", views.calls, name="calls"),
    path("<int:pk>/handled", views.mark_handled, name="handled"),
    path("<int:pk>/audio", views.audio, name="audio"),
]

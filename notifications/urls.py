from __future__ import annotations

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.centre, name="centre"),
    path("feed", views.feed, name="feed"),
    path("stream", views.stream, name="stream"),
    path("read-all", views.mark_all_read, name="read_all"),
    path("preferences", views.save_preferences, name="preferences"),
    path("schedule", views.save_schedule, name="schedule"),
    path("<int:pk>/read", views.mark_read, name="read"),
    path("<int:pk>/open", views.open_notification, name="open"),
]

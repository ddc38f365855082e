from __future__ import annotations

from django.urls import path

from . import device_views, views

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
    path("manifest.webmanifest", device_views.manifest, name="manifest"),
    path("sw.js", device_views.service_worker, name="service_worker"),
    path("webpush/subscribe", device_views.push_subscribe, name="push_subscribe"),
    path("webpush/unsubscribe", device_views.push_unsubscribe, name="push_unsubscribe"),
    path("webpush/<int:pk>/remove", device_views.push_remove, name="push_remove"),
    path("telegram/link", device_views.telegram_link, name="telegram_link"),
    path("telegram/unlink", device_views.telegram_unlink, name="telegram_unlink"),
]

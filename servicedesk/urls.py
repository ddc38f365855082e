from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from telephony.api import api as pbx_api

from .views.health import health

urlpatterns = [
    path("health", health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("notifications/", include("notifications.urls")),
    path("cabinet/", include("servicedesk.cabinet_urls")),
    path("org/", include("servicedesk.org_urls")),
    path("calls/", include("telephony.urls")),
    path("mailbox/", include("personalmail.urls")),
    path("api/pbx/v1/", pbx_api.urls),
    path("", include("servicedesk.ui_urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

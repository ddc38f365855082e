from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class ServiceDeskAdminConfig(AdminConfig):
    """Installs the grouped technologist admin site (servicedesk.admin_site) as `admin.site`."""

    default_site = "servicedesk.admin_site.ServiceDeskAdminSite"

"""The Celery application shared by every worker and the beat scheduler."""

from __future__ import annotations

import os

from celery import Celery

from . import broker  # noqa: F401 - registers the safefs:// transport of the embedded default

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")

app = Celery("servicedesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

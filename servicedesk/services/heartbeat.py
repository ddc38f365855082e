"""Signs of life of the worker and the scheduler, for /health."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ..models import Heartbeat

WORKER = "worker"
SCHEDULER = "scheduler"


def record_heartbeat(name: str) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now()})


def last_heartbeats() -> dict[str, dt.datetime]:
    return dict(Heartbeat.objects.values_list("name", "at"))

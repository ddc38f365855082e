"""The beat scheduler used by every installation: Celery's own, plus a heartbeat row.

Beat itself runs no tasks, so the only way /health can tell that it is alive is for beat to
write its own heartbeat while it ticks.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import django
from celery.beat import PersistentScheduler
from django.conf import settings

log = logging.getLogger(__name__)


class HeartbeatScheduler(PersistentScheduler):
    _last_heartbeat = 0.0

    def setup_schedule(self) -> None:
        django.setup()
        super().setup_schedule()

    def tick(self, *args: Any, **kwargs: Any) -> float:
        interval = float(settings.HEARTBEAT_INTERVAL)
        if time.monotonic() - self._last_heartbeat >= interval:
            from .services.heartbeat import SCHEDULER, record_heartbeat

            try:
                record_heartbeat(SCHEDULER)
                self._last_heartbeat = time.monotonic()
            except Exception:  # a database hiccup must not stop scheduling
                log.exception("could not record the scheduler heartbeat")
        return min(super().tick(*args, **kwargs), interval)

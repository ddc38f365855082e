"""/health: JSON for monitoring: database, broker, last worker and scheduler heartbeats, mail canaries."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from ..mailbridge import mail_canary_states
from ..services.heartbeat import SCHEDULER, WORKER, last_heartbeats


def _database_state() -> dict[str, object]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # reported, not raised: this is the monitoring boundary
        return {"ok": False, "error": str(exc)[:300]}


def _broker_state() -> dict[str, object]:
    from ..celery import app

    url = settings.CELERY_BROKER_URL
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True, "transport": url.split("://", 1)[0]}
    except Exception as exc:
        return {"ok": False, "transport": url.split("://", 1)[0], "error": str(exc)[:300]}


def _heartbeat_state(at: object, now: object) -> dict[str, object]:
    if at is None:
        return {"ok": False, "last_seen": None, "age_seconds": None}
    age = (now - at).total_seconds()  # type: ignore[operator]
    return {"ok": age <= settings.HEARTBEAT_INTERVAL * 3, "last_seen": at.isoformat(), "age_seconds": round(age, 1)}  # type: ignore[attr-defined]


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    now = timezone.now()
    database = _database_state()
    beats = last_heartbeats() if database["ok"] else {}
    body: dict[str, Any] = {
        "database": database,
        "broker": _broker_state(),
        "worker": _heartbeat_state(beats.get(WORKER), now),
        "scheduler": _heartbeat_state(beats.get(SCHEDULER), now),
        "mail_canaries": mail_canary_states() if database["ok"] else [],
        "time": now.isoformat(),
    }
    parts = (body["database"], body["broker"], body["worker"], body["scheduler"], *body["mail_canaries"])
    body["ok"] = all(part["ok"] for part in parts)
    # 503 only when the web process itself cannot serve (database or broker down);
    # stale heartbeats are reported in the body so a monitor can alert on them separately.
    status = 200 if database["ok"] and body["broker"]["ok"] else 503
    return JsonResponse(body, status=status)

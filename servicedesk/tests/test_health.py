from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from servicedesk.models import Heartbeat
from servicedesk.services.heartbeat import SCHEDULER, WORKER
from servicedesk.tasks import heartbeat


def test_health_reports_database_broker_and_stale_processes(db: None, client: Client) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == {"ok": True, "vendor": "postgresql"}
    assert body["broker"]["ok"] is True and body["broker"]["transport"] == "redis"
    assert body["worker"]["ok"] is False and body["worker"]["last_seen"] is None
    assert body["ok"] is False


def test_heartbeats_make_health_green(db: None, client: Client) -> None:
    heartbeat.delay()  # eager in tests: runs the real task body
    Heartbeat.objects.create(name=SCHEDULER, at=timezone.now())
    body = client.get("/health").json()
    assert body["worker"]["ok"] and body["scheduler"]["ok"] and body["ok"]


def test_old_heartbeat_is_reported_stale(db: None, client: Client) -> None:
    long_ago = timezone.now() - dt.timedelta(hours=1)
    Heartbeat.objects.create(name=WORKER, at=long_ago)
    Heartbeat.objects.create(name=SCHEDULER, at=timezone.now())
    body = client.get("/health").json()
    assert body["worker"]["ok"] is False and body["worker"]["age_seconds"] >= 3600


def test_broker_down_is_503(db: None, client: Client, settings) -> None:
    from servicedesk.celery import app

    old = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/health")
    finally:
        app.conf.broker_url = old
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False

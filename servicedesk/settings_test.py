"""Settings for the test suite: PostgreSQL and Redis on loopback, as in CI and production."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/servicedesk")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/1")
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="sd-test-var-"))

from .settings import *  # noqa: E402,F403
from .settings import STORAGES  # noqa: E402

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (whitenoise warns when it is missing)
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="sd-test-media-"))
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
WEBPUSH_ALLOW_HTTP = True  # the local push service of the tests speaks plain http
CELERY_TASK_EAGER_PROPAGATES = True
# Eager tasks run at once, so a coalesced (skipped) kick would leave a call unprocessed.
TELEPHONY_KICK_COALESCE_SECONDS = 0.0
LANGUAGE_CODE = "en"
# The suite delivers to the cast's corp.example addresses through its own SMTP servers; the demo
# hold (MAIL_DEMO_DOMAINS) is tested on its own in mailconf/tests/outbox/test_hold_demo_mail.py.
MAIL_DEMO_DOMAINS = []

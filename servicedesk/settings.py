"""Project settings, read from the environment through django-environ.

Every setting is listed with its meaning in `.env.example`. Bad values fail loudly at start-up.
The embedded default (no variables at all) is SQLite plus a filesystem broker (servicedesk/broker.py), so
`make run` works on a machine that has nothing but Python.
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="insecure-dev-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Absolute base URL used in links inside mail and notifications.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "servicedesk.admin_apps.ServiceDeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "servicedesk",
    "mailconf",
    "notifications",
    "escalation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "servicedesk.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "servicedesk.urls"
WSGI_APPLICATION = "servicedesk.wsgi.application"
ASGI_APPLICATION = "servicedesk.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "servicedesk.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# An empty DATABASE_URL (e.g. `DATABASE_URL= make run`) means the embedded default, as if unset.
DATABASES = {
    "default": environ.Env.db_url_config(env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default keeps its file in VAR_DIR; create the folder so any command works first time.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Several processes (web, worker, beat) share the file: WAL and IMMEDIATE transactions
    # turn "database is locked" races into short waits.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="test_servicedesk")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "servicedesk.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "servicedesk.auth_backends.RolePermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "ticket_list"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

# --- Redis and Celery -----------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or REDIS_URL or "safefs://"
# kombu's own filesystem transport publishes non-atomically and its worker dies on a half-written
# file; safefs (servicedesk/broker.py) is the same folder layout made safe, so it serves every
# filesystem:// URL too.
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_URL = "safefs://" + CELERY_BROKER_URL.removeprefix("filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("safefs://"):
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Message files that cannot be decoded are moved here (and logged) instead of crashing the worker.
        "failed_folder": str(_broker_dir / "failed"),
        # Broadcast (remote control) exchange files; kombu's default is ./control in the CWD.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        # The worker sleeps this long whenever its prefetch slots are full, not only when the
        # folder is empty; kombu's 1 s default caps it at ~4 tasks/s, so a burst (the demo
        # load) delays everything behind it, heartbeats included, by a minute.
        "polling_interval": 0.1,
    }
    # Created here, like the SQLite folder above, so every management command (mail_fetch,
    # send_mail from the shell) can publish on a fresh checkout, not only runstack.
    for _key, _folder in CELERY_BROKER_TRANSPORT_OPTIONS.items():
        if "folder" in _key:
            Path(str(_folder)).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
HEARTBEAT_INTERVAL = env.int("HEARTBEAT_INTERVAL", default=30)

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="ru")
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Moscow")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)
# Attachments larger than this are refused on upload (bytes).
MAX_ATTACHMENT_SIZE = env.int("MAX_ATTACHMENT_SIZE", default=25 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Secrets at rest --------------------------------------------------------------------------
# Comma-separated Fernet keys; the first encrypts, all decrypt (rotation: README).
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])

# --- Mail -------------------------------------------------------------------------------------
# Every mail goes through the durable outbox (mailconf); set e.g. the console backend to bypass it.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="mailconf.backends.OutboxEmailBackend")
# Outgoing mail policy and delivery tuning (defaults and meaning: mailconf/conf.py).
MAIL_ALLOW_PORT_25 = env.bool("MAIL_ALLOW_PORT_25", default=False)
MAIL_RETRY_DAYS = env.float("MAIL_RETRY_DAYS", default=3.0)
MAIL_OUTBOX_RETENTION_DAYS = env.int("MAIL_OUTBOX_RETENTION_DAYS", default=30)
MAIL_CA_FILE = env.str("MAIL_CA_FILE", default="")
MAIL_MESSAGE_ID_DOMAIN = env.str("MAIL_MESSAGE_ID_DOMAIN", default="")
MAIL_FAILURE_ALERT_THRESHOLD = env.int("MAIL_FAILURE_ALERT_THRESHOLD", default=5)
# Incoming mail (mailconf/services/intake.py, polling.py, mailboxes.py).
MAIL_INCOMING_MAX_BYTES = env.int("MAIL_INCOMING_MAX_BYTES", default=25 * 1024 * 1024)
MAIL_INCOMING_TICKETS_PER_SENDER_PER_HOUR = env.int("MAIL_INCOMING_TICKETS_PER_SENDER_PER_HOUR", default=20)
MAIL_INCOMING_FAILURE_ALERT_THRESHOLD = env.int("MAIL_INCOMING_FAILURE_ALERT_THRESHOLD", default=3)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="servicedesk@localhost")

# --- Notifications (notifications/push.py, notifications/fanout.py) -------------------------
# Without REDIS_URL the push stream polls the database this often (seconds).
NOTIFY_PUSH_POLL_SECONDS = env.float("NOTIFY_PUSH_POLL_SECONDS", default=0.25)
# A push stream ends after this long; the browser reconnects at once with Last-Event-ID.
NOTIFY_STREAM_SECONDS = env.int("NOTIFY_STREAM_SECONDS", default=300)
# Storm limits as (count, seconds): per recipient overall, and per recipient about one ticket.
NOTIFY_RATE_PER_RECIPIENT = tuple(env.list("NOTIFY_RATE_PER_RECIPIENT", cast=int, default=[120, 3600]))
NOTIFY_RATE_PER_TICKET = tuple(env.list("NOTIFY_RATE_PER_TICKET", cast=int, default=[20, 600]))

# --- Security for production ------------------------------------------------------------------
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

CELERY_BEAT_SCHEDULER = "servicedesk.beat:HeartbeatScheduler"
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "servicedesk-heartbeat": {"task": "servicedesk.heartbeat", "schedule": float(HEARTBEAT_INTERVAL)},
    # Retries and anything a lost kick left behind; the outbox is also kicked on every commit.
    "mailconf-deliver-outbox": {"task": "mailconf.deliver_outbox", "schedule": 60.0},
    "mailconf-prune-outbox": {"task": "mailconf.prune_outbox", "schedule": 24 * 3600.0},
    # Notification fan-outs whose task was lost or failed (each backs off; see notifications/fanout.py).
    "notifications-fan-out-due": {"task": "notifications.fan_out_due", "schedule": 60.0},
    # Enqueues a poll for each incoming connection whose interval has passed (mailconf/tasks_incoming.py).
    "mailconf-poll-incoming": {"task": "mailconf.poll_due_connections", "schedule": 10.0},
}

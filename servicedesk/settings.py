"""Project settings, read from the environment through django-environ.

Every setting is listed with its meaning in `.env.example`. Bad values fail loudly at start-up.
The embedded default (no variables at all) is SQLite plus a filesystem broker (servicedesk/broker.py), so
`make run` works on a machine that has nothing but Python.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from . import keys as _keys

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Unset: a random key generated once into VAR_DIR; a published or empty one refuses to start
# outside DEBUG (servicedesk/keys.py).
SECRET_KEY = _keys.secret_key(env.str("SECRET_KEY", default=None), VAR_DIR, debug=DEBUG)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Where `make run` serves (manage.py runstack); links in mail follow it unless SITE_URL says otherwise.
HOST = env.str("HOST", default="127.0.0.1")
PORT = env.int("PORT", default=8000)


def _local_url(host: str, port: int) -> str:
    # Listening on every address names none to link to: the loopback one stands in.
    name = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"http://[{name}]:{port}" if ":" in name else f"http://{name}:{port}"


# Absolute base URL used in links inside mail and notifications.
SITE_URL = (env.str("SITE_URL", default="") or _local_url(HOST, PORT)).rstrip("/")

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
    "webhooks",
    "telephony",
    "personalmail",
    "ninja",
    "servicedesk.login_audit.LoginAuditConfig",  # django-axes, under a name of ours
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
    "servicedesk.labels.LabelMiddleware",
    "servicedesk.middleware.UserTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: answers a locked-out login with its page.
    "axes.middleware.AxesMiddleware",
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
    # A psycopg connection pool per process (0: none). Under ASGI every request runs in a thread
    # of its own, so CONN_MAX_AGE cannot keep a connection for the next request; the pool does.
    DATABASE_POOL_MAX = env.int("DATABASE_POOL_MAX", default=0)
    if DATABASE_POOL_MAX:
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
        DATABASES["default"]["OPTIONS"] = {"pool": {"min_size": 1, "max_size": DATABASE_POOL_MAX, "timeout": 10}}
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="test_servicedesk")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "servicedesk.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account or address before any password is checked.
    "servicedesk.auth_backends.LoginThrottleBackend",
    # Employees kept by an LDAP sync: their directory password, checked by the directory.
    "servicedesk.auth_backends.DirectoryPasswordBackend",
    "django.contrib.auth.backends.ModelBackend",
    "servicedesk.auth_backends.RolePermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "ticket_list"
LOGOUT_REDIRECT_URL = "login"
# "Generate a password and send it" mails a one-time link valid this many days (services/access.py).
ACCESS_LINK_DAYS = env.int("ACCESS_LINK_DAYS", default=3)
PASSWORD_RESET_TIMEOUT = ACCESS_LINK_DAYS * 24 * 3600
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

# Login throttling (django-axes), on /login/ and /admin/login/ alike: after LOGIN_FAILURE_LIMIT
# wrong passwords for one login, or from one address, that login or address is refused for
# LOGIN_LOCKOUT_MINUTES. Every failure is journalled (admin: "Access failures").
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# The journal is shown through our own admin pages (servicedesk/admin_access.py).
AXES_ENABLE_ADMIN = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# --- Redis and Celery -----------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or REDIS_URL or "safefs://"
# kombu's own filesystem transport publishes non-atomically and its worker dies on a half-written
# file; safefs (servicedesk/broker.py) is the same folder layout made safe, so it serves every
# filesystem:// URL too.
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_URL = "safefs://" + CELERY_BROKER_URL.removeprefix("filesystem://")
if CELERY_BROKER_URL.rstrip("/") == "safefs:":
    # The folders are the address (below); a host only keeps kombu from warning "No hostname was
    # supplied" at every start of every process.
    CELERY_BROKER_URL = "safefs://localhost//"
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
# Kicks (servicedesk/kicks.py): a lone one goes at once, then at most one broker message per task per
# this many seconds carries what gathered meanwhile.
KICK_DEBOUNCE_SECONDS = env.float("KICK_DEBOUNCE_SECONDS", default=0.25)
# Beat runs the sweepers (notification journal, outbox) this often (seconds): what a lost kick left
# is delivered within about this long once the broker is back.
SWEEP_SECONDS = env.float("SWEEP_SECONDS", default=5.0)

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="ru")
# Each language by its own name, as language switches show them.
LANGUAGES = [("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Moscow")
USE_I18N = True
# One date format in both languages, `01.03.2030 19:05` (servicedesk/formats).
FORMAT_MODULE_PATH = ["servicedesk.formats"]
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
# Comma-separated Fernet keys; the first encrypts, all decrypt (rotation: README). Empty: one
# random key generated once into VAR_DIR, never one derived from a default.
FIELD_ENCRYPTION_KEYS = _keys.field_encryption_keys(env.list("FIELD_ENCRYPTION_KEYS", default=[]), VAR_DIR)

# --- Mail (meaning of each: .env.example) ---------------------------------------------------
# Every mail goes through the durable outbox (mailconf); set e.g. the console backend to bypass it.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="mailconf.outbox.backend.OutboxEmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="servicedesk@localhost")
# Connections, both directions.
MAIL_TIMEOUT = env.float("MAIL_TIMEOUT", default=30.0)
MAIL_CA_FILE = env.str("MAIL_CA_FILE", default="")
MAIL_OAUTH_AUTHORITY_HOST = env.str("MAIL_OAUTH_AUTHORITY_HOST", default="https://login.microsoftonline.com")
MAIL_GRAPH_URL = env.str("MAIL_GRAPH_URL", default="https://graph.microsoft.com")
MAIL_TOKEN_REFRESH_MARGIN_SECONDS = env.int("MAIL_TOKEN_REFRESH_MARGIN_SECONDS", default=300)
# Outgoing mail and the outbox.
MAIL_ALLOW_PORT_25 = env.bool("MAIL_ALLOW_PORT_25", default=False)
# Recipients in these domains (and their subdomains) are never sent to: the demo's people live in
# the reserved .example domain, so its mail cannot reach a real relay once one is configured.
MAIL_DEMO_DOMAINS = [d.lower().strip(".") for d in env.list("MAIL_DEMO_DOMAINS", default=["example"]) if d.strip(".")]
MAIL_MESSAGE_ID_DOMAIN = env.str("MAIL_MESSAGE_ID_DOMAIN", default="")
MAIL_RETRY_DAYS = env.float("MAIL_RETRY_DAYS", default=3.0)
MAIL_RETRY_BASE_SECONDS = env.int("MAIL_RETRY_BASE_SECONDS", default=60)
MAIL_RETRY_MAX_SECONDS = env.int("MAIL_RETRY_MAX_SECONDS", default=3600)
MAIL_LEASE_SECONDS = env.int("MAIL_LEASE_SECONDS", default=300)
MAIL_BATCH_SIZE = env.int("MAIL_BATCH_SIZE", default=200)
# Delivery outcomes are written in groups (mailconf/outbox/delivery.py): a killed worker resends at
# most one group's accepted messages; 1 writes each outcome before the next message is sent.
MAIL_STATUS_GROUP_ROWS = env.int("MAIL_STATUS_GROUP_ROWS", default=20)
MAIL_STATUS_GROUP_SECONDS = env.float("MAIL_STATUS_GROUP_SECONDS", default=0.2)
MAIL_OUTBOX_RETENTION_DAYS = env.int("MAIL_OUTBOX_RETENTION_DAYS", default=30)
MAIL_FAILURE_ALERT_THRESHOLD = env.int("MAIL_FAILURE_ALERT_THRESHOLD", default=5)
MAIL_STUCK_ALERT_MINUTES = env.int("MAIL_STUCK_ALERT_MINUTES", default=60)
# Incoming mail. MAIL_INCOMING_MAX_BYTES is the one message size limit: what a mailbox may hand
# over and what the parser accepts.
MAIL_INCOMING_MAX_BYTES = env.int("MAIL_INCOMING_MAX_BYTES", default=25 * 1024 * 1024)
MAIL_INCOMING_TICKETS_PER_SENDER_PER_HOUR = env.int("MAIL_INCOMING_TICKETS_PER_SENDER_PER_HOUR", default=20)
MAIL_INCOMING_FAILURE_ALERT_THRESHOLD = env.int("MAIL_INCOMING_FAILURE_ALERT_THRESHOLD", default=3)
# A poller's lease on its mailbox (renewed by a heartbeat every third of it): a killed poller blocks
# its mailbox at most this long.
MAIL_INCOMING_LEASE_SECONDS = env.int("MAIL_INCOMING_LEASE_SECONDS", default=20)
MAIL_INCOMING_BATCH = env.int("MAIL_INCOMING_BATCH", default=1000)
MAIL_INCOMING_COMMIT_EVERY = env.int("MAIL_INCOMING_COMMIT_EVERY", default=100)
# A poll of more than one chunk parses (and keeps raw and attachment files) in forked helper
# processes while the poller records the previous chunk (mailconf/inbound/staging.py); 0: all in
# the poller's process.
MAIL_INCOMING_PARSE_HELPERS = env.int("MAIL_INCOMING_PARSE_HELPERS", default=1)
# Where each received message's exact bytes are kept: "database" (a RawMail row written with its
# mail-log row, as Zammad and OTRS keep mail) or "files" (mail/raw/YYYY/MM/*.eml in media storage,
# which keeps the database small on big volumes).
MAIL_RAW_STORAGE = env.str("MAIL_RAW_STORAGE", default="database")
if MAIL_RAW_STORAGE not in ("database", "files"):
    raise ImproperlyConfigured(f'MAIL_RAW_STORAGE must be "database" or "files", not {MAIL_RAW_STORAGE!r}')
# `mail_idle` re-issues IMAP IDLE this often (seconds): the server reports new mail at once when IDLE
# starts, while its own announcement during IDLE may come later (Dovecot: about 0.5 s).
MAIL_IDLE_RECHECK_SECONDS = env.float("MAIL_IDLE_RECHECK_SECONDS", default=0.1)

# --- Notifications (notifications/push.py, notifications/fanout.py) -------------------------
# Without REDIS_URL the push stream polls the database this often (seconds).
NOTIFY_PUSH_POLL_SECONDS = env.float("NOTIFY_PUSH_POLL_SECONDS", default=0.25)
# A push stream ends after this long; the browser reconnects at once with Last-Event-ID.
NOTIFY_STREAM_SECONDS = env.int("NOTIFY_STREAM_SECONDS", default=300)
# Storm limits as (count, seconds): per recipient overall, and per recipient about one ticket.
NOTIFY_RATE_PER_RECIPIENT = tuple(env.list("NOTIFY_RATE_PER_RECIPIENT", cast=int, default=[120, 3600]))
NOTIFY_RATE_PER_TICKET = tuple(env.list("NOTIFY_RATE_PER_TICKET", cast=int, default=[20, 600]))
# Web Push (notifications/webpush.py): the VAPID signing key (unset: generated once into VAR_DIR),
# the contact the push services see, how long they keep an undelivered message, request timeout.
WEBPUSH_VAPID_PRIVATE_KEY = _keys.vapid_private_key(env.str("WEBPUSH_VAPID_PRIVATE_KEY", default=None), VAR_DIR)
WEBPUSH_VAPID_SUBJECT = env.str("WEBPUSH_VAPID_SUBJECT", default="") or f"mailto:{DEFAULT_FROM_EMAIL}"
WEBPUSH_TTL_SECONDS = env.int("WEBPUSH_TTL_SECONDS", default=24 * 3600)
WEBPUSH_TIMEOUT_SECONDS = env.float("WEBPUSH_TIMEOUT_SECONDS", default=10.0)
# Push services are public HTTPS hosts; plain http endpoints are refused unless this is on (tests).
WEBPUSH_ALLOW_HTTP = env.bool("WEBPUSH_ALLOW_HTTP", default=False)
# Telegram (notifications/telegram/): the Bot API server (a self-hosted one, or a fake in tests),
# messages per second over all chats (Telegram allows about 30), how long a link code is valid.
TELEGRAM_API_URL = env.str("TELEGRAM_API_URL", default="https://api.telegram.org").rstrip("/")
TELEGRAM_MESSAGES_PER_SECOND = env.float("TELEGRAM_MESSAGES_PER_SECOND", default=25.0)
TELEGRAM_LINK_CODE_MINUTES = env.int("TELEGRAM_LINK_CODE_MINUTES", default=15)
TELEGRAM_POLL_SECONDS = env.int("TELEGRAM_POLL_SECONDS", default=25)
# "Snooze" under an escalation alert in Telegram: the same alert comes back after this many minutes.
NOTIFY_SNOOZE_MINUTES = env.int("NOTIFY_SNOOZE_MINUTES", default=30)
# Burst folding: past this many notifications of one event for one recipient within the window
# (seconds), the rest go out as one message when the window ends (notifications/quiet.py); 0: off.
NOTIFY_BURST_THRESHOLD = env.int("NOTIFY_BURST_THRESHOLD", default=10)
NOTIFY_BURST_SECONDS = env.int("NOTIFY_BURST_SECONDS", default=60)
# Days released held notifications and finished webhook calls are kept.
NOTIFY_LOG_RETENTION_DAYS = env.int("NOTIFY_LOG_RETENTION_DAYS", default=30)
# Signed webhooks (webhooks/services.py).
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=10.0)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=6)
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=60)
WEBHOOK_DISABLE_AFTER_FAILURES = env.int("WEBHOOK_DISABLE_AFTER_FAILURES", default=10)

# --- Personal mailboxes (personalmail/) -------------------------------------------------------
# Messages of a folder imported when it is synchronised for the first time (the newest ones).
PERSONALMAIL_INITIAL_MESSAGES = env.int("PERSONALMAIL_INITIAL_MESSAGES", default=50)
# Polling fallback: a mailbox not synchronised for this long is synchronised by beat (seconds).
PERSONALMAIL_POLL_SECONDS = env.int("PERSONALMAIL_POLL_SECONDS", default=120)
# Backoff after failures: base * 2^(failures-1), capped (seconds).
PERSONALMAIL_RETRY_BASE_SECONDS = env.int("PERSONALMAIL_RETRY_BASE_SECONDS", default=30)
PERSONALMAIL_RETRY_MAX_SECONDS = env.int("PERSONALMAIL_RETRY_MAX_SECONDS", default=1800)
# Network failures in a row before the owner sees "connection lost" (a refused login: at once).
PERSONALMAIL_BROKEN_AFTER = env.int("PERSONALMAIL_BROKEN_AFTER", default=3)
# Watchers `manage.py mail_idle` runs besides the desk's own mailboxes (dotted paths of run()).
MAIL_IDLE_EXTRA_WATCHERS = env.list("MAIL_IDLE_EXTRA_WATCHERS", default=["personalmail.idle.run"])
# Worker threads that synchronise mailboxes woken by IDLE (the IDLE connections need none).
PERSONALMAIL_IDLE_WORKERS = env.int("PERSONALMAIL_IDLE_WORKERS", default=4)
# Feature switch: OAuth2 authorisation instead of a password (needs an OAuth2 application).
PERSONALMAIL_OAUTH2 = env.bool("PERSONALMAIL_OAUTH2", default=False)
# A journal row not fanned out this long after it was written (its kick lost) is taken up by the sweeper.
NOTIFY_SWEEP_GRACE_SECONDS = env.float("NOTIFY_SWEEP_GRACE_SECONDS", default=10.0)

# --- Telephony (telephony/) -------------------------------------------------------------------
# Largest voicemail recording the PBX API accepts (bytes); bigger uploads get 413.
TELEPHONY_AUDIO_MAX_BYTES = env.int("TELEPHONY_AUDIO_MAX_BYTES", default=20 * 1024 * 1024)
# Country whose numbering plan reads numbers without a country code ("8 912 …" in Russia).
TELEPHONY_PHONE_REGION = env.str("TELEPHONY_PHONE_REGION", default="RU")
# The API kicks the worker at most once per this many seconds per web process (0: once per call);
# the kick runs that much later and takes every pending call, so a call waits at most about this.
TELEPHONY_KICK_COALESCE_SECONDS = env.float("TELEPHONY_KICK_COALESCE_SECONDS", default=0.5)
# --- Escalation (escalation/services.py) ----------------------------------------------------------
# Beat starts a scheduler tick this often (seconds); a tick fires due levels for at most the budget.
ESCALATION_TICK_SECONDS = env.float("ESCALATION_TICK_SECONDS", default=5.0)
ESCALATION_TICK_BUDGET = env.float("ESCALATION_TICK_BUDGET", default=4.0)
# --- `make run` (manage.py runstack) and the demo data (HOST and PORT: see SITE_URL above) ---------
# Password of the demo logins created by the first `make run`; random when empty.
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="")

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
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # httpx (python-telegram-bot's client) logs every request URL at INFO, and a Bot API URL
        # carries the bot's token: it must never reach a log.
        "httpx": {"level": "WARNING"},
    },
}

CELERY_BEAT_SCHEDULER = "servicedesk.beat:HeartbeatScheduler"
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "servicedesk-heartbeat": {"task": "servicedesk.heartbeat", "schedule": float(HEARTBEAT_INTERVAL)},
    # Retries and anything a lost kick left behind; the outbox is also kicked on every commit.
    "mailconf-deliver-outbox": {"task": "mailconf.deliver_outbox", "schedule": SWEEP_SECONDS},
    "mailconf-prune-outbox": {"task": "mailconf.prune_outbox", "schedule": 24 * 3600.0},
    # Notification fan-outs whose task was lost or failed (each backs off; see notifications/fanout.py).
    "notifications-fan-out-due": {"task": "notifications.fan_out_due", "schedule": SWEEP_SECONDS},
    # Web Push and Telegram: retries and rows whose kick was lost (notifications/dispatch.py).
    "notifications-dispatch-due": {"task": "notifications.dispatch_due", "schedule": 60.0},
    # Mail canaries: due probes out, late and lost ones reported (mailconf/canary.py).
    "mailconf-canary": {"task": "mailconf.canary_tick", "schedule": 60.0},
    # Notifications that waited for quiet hours, a digest or the end of a burst (notifications/quiet.py).
    "notifications-release-held": {"task": "notifications.release_held", "schedule": 60.0},
    # Webhook calls due for a retry, or whose kick was lost (webhooks/services.py).
    "webhooks-deliver-due": {"task": "webhooks.deliver", "schedule": 60.0},
    # Enqueues a poll for each incoming connection whose interval has passed (mailconf/inbound/tasks.py).
    "mailconf-poll-incoming": {"task": "mailconf.poll_due_connections", "schedule": 10.0},
    # Polling fallback of personal mailboxes (personalmail/tasks.py); IDLE makes most of them instant.
    "personalmail-sync-due": {"task": "personalmail.sync_due_mailboxes", "schedule": 30.0},
    # Mail of business processes sent from personal mailboxes whose kick was lost.
    "personalmail-deliver-pending": {"task": "personalmail.deliver_sent_mail", "schedule": SWEEP_SECONDS},
    # LDAP connections whose daily run time has come (servicedesk/services/directory.py).
    "servicedesk-ldap-due": {"task": "servicedesk.start_due_ldap_syncs", "schedule": 60.0},
    # File imports whose task was lost (servicedesk/services/imports.py).
    "servicedesk-resume-imports": {"task": "servicedesk.resume_imports", "schedule": 60.0},
    # Missed-call mails whose window closed and whose kick was lost; calls whose processing was lost.
    "telephony-send-due-digests": {"task": "telephony.send_due_digests", "schedule": 15.0},
    "telephony-process-due-calls": {"task": "telephony.process_due_calls", "schedule": 15.0},
    # Due escalation levels (escalation/tasks.py); a tick that could not start in time is dropped.
    "escalation-tick": {
        "task": "escalation.tick",
        "schedule": ESCALATION_TICK_SECONDS,
        "options": {"expires": ESCALATION_TICK_SECONDS * 2},
    },
}

"""Settings for Antrean Paspor.

One module; every value comes from the environment through django-environ and a bad
value fails loudly at start-up. With nothing set (and ``DEBUG=1``) the project runs on
its embedded default: SQLite under ``var/``, a local-memory cache and a Celery broker
on the filesystem, so no external server is needed.
"""

import base64
import hashlib
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug-0123456789abcdefghijklmnop"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Public base URL used in emails and proofs (links must work outside a request).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "queue_booking",
    "offices",
    "applicants",
]

MIDDLEWARE = [
    # First: answers a worker already has, without the rest (queue_booking/fast_lane.py).
    "queue_booking.fast_lane.FastLaneMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on pages (queue_booking/security_headers.py).
    "queue_booking.security_headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A body sent in chunks, without Content-Length: read where the server decoded it,
    # else a 411 (queue_booking/chunked_body.py). Inside LocaleMiddleware, for the words.
    "queue_booking.chunked_body.ChunkedBodyMiddleware",
    # Django's, but a POST to an address missing its slash is redirected with 308,
    # which keeps the body (queue_booking/slash_redirect.py).
    "queue_booking.slash_redirect.CommonMiddleware",
    # DEBUG only: an unknown /api/ address is the API's JSON 404, as handler404 gives it
    # without DEBUG (queue_booking/api_errors.py). Inside LocaleMiddleware, for the words.
    "queue_booking.api_errors.ApiNotFoundMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "queue_booking.messages_middleware.LazyMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so its process_exception sees a view's exception first: a lost database
    # connection on a page is answered with the 503 page (queue_booking/middleware.py).
    "queue_booking.middleware.DatabaseUnavailableMiddleware",
]

# `make bench` adds a bare baseline view beside the product (bench/urls.py).
ROOT_URLCONF = env.str("ROOT_URLCONF", default="queue_booking.urls")
WSGI_APPLICATION = "queue_booking.wsgi.application"

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
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections: a booking is one short transaction, a new connection per
# request would cost more than the booking itself.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# Off by default: the check is one more round trip to the database (a SELECT 1) at the
# start of every request that reuses a connection, about 10% of a web worker's time
# under a booking flood. Without it, after a database restart each web process's first
# request on its old connection fails (the API answers 503, queue_booking/api_errors.py;
# a page answers the 503 page, queue_booking/middleware.py);
# Django closes a connection that had errors at the end of that request, so the next
# one gets a new connection. Celery workers close theirs around every task anyway.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serializes writers; wait instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, rate limits and Celery -------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis backend, minus a new redis-py client per call (queue_booking/redis_cache.py).
            "BACKEND": "queue_booking.redis_cache.ReusingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ap",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
        # The rate limits' counters, on the same Redis; counted in the process while it is out.
        "limits": {
            "BACKEND": "queue_booking.redis_cache.LimitsRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ap",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ap"},
        "limits": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ap-limits"},
    }

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_RESULT_BACKEND = env.str(
    "CELERY_RESULT_BACKEND", default=REDIS_URL or f"file://{VAR_DIR / 'celery' / 'results'}"
)
# A task whose ETA lies beyond the visibility timeout would be redelivered while it
# still waits, so no task is scheduled further ahead than this (rollover ETAs are
# capped at half of it).
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery" / "broker"
    (_broker_dir / "processed").mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery" / "results").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # Kombu's default is ./control, which put broker state into the repository.
        "control_folder": str(_broker_dir / "control"),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        # Kombu waits forever on a Redis that accepts connections but does not answer (a
        # hung or paused server, a half-open socket): a request's publish after commit
        # then hung the request, and /healthz with it. Bounded like the cache's; longer
        # than the worker's one-second BRPOP, whose reply is always due within it.
        "socket_timeout": 2,
        "socket_connect_timeout": 1,
    }
# The same for the result backend (Celery's default: 120 s to read, no limit to connect).
CELERY_REDIS_SOCKET_TIMEOUT = 2
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Jobs that work per office-local time run every few minutes and decide per office
# whether its local moment has come; each job is idempotent. Exactly one beat runs.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}
# Materialize each office's booking window and release dates (idempotent; per office clock).
CELERY_BEAT_SCHEDULE["offices-release-dates"] = {
    "task": "offices.tasks.release_dates",
    "schedule": 300.0,
    "options": {"expires": 290},
}

# --- Auth -------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "staff:login"

# --- I18n -------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Times as the product writes them (08.00 / 08:00), in Django's admin too.
FORMAT_MODULE_PATH = ["queue_booking.formats"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env.bool("STATIC_MANIFEST", default=True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Email ------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Antrean Paspor <no-reply@antrean-paspor.example>")
# An SMS/WhatsApp gateway that takes each message as a JSON POST (applicants/sms_gateway.py).
# The messages carry the booking's secret link and the requests the gateway's token, so
# only over HTTPS in production.
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
if SMS_GATEWAY_URL:
    _gateway = urlsplit(SMS_GATEWAY_URL)
    if _gateway.scheme not in ("https", "http") or not _gateway.hostname:
        raise ImproperlyConfigured("SMS_GATEWAY_URL must be an http(s):// address, e.g. https://sms.example.id/send.")
    if _gateway.scheme != "https" and not DEBUG:
        raise ImproperlyConfigured(
            "SMS_GATEWAY_URL must be https:// when DEBUG is off: every message carries a booking's secret link."
        )
    if _gateway.username or _gateway.password:
        raise ImproperlyConfigured("SMS_GATEWAY_URL must not hold credentials: put the token in SMS_GATEWAY_TOKEN.")
# Sent as "Authorization: <SMS_GATEWAY_AUTH_SCHEME> <token>" (scheme empty: the token alone).
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
SMS_GATEWAY_AUTH_SCHEME = env.str("SMS_GATEWAY_AUTH_SCHEME", default="Bearer")
if any(not char.isprintable() for char in SMS_GATEWAY_TOKEN + SMS_GATEWAY_AUTH_SCHEME):
    raise ImproperlyConfigured("SMS_GATEWAY_TOKEN and SMS_GATEWAY_AUTH_SCHEME must be one line of printable text.")
# Seconds to wait for the gateway's answer; a worker sends one message at a time.
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=5.0)
if not 0 < SMS_GATEWAY_TIMEOUT <= 60:
    raise ImproperlyConfigured("SMS_GATEWAY_TIMEOUT must be above 0 and at most 60 seconds.")
# The request's shape: {SMS_GATEWAY_TO_FIELD: number, SMS_GATEWAY_TEXT_FIELD: text,
# **SMS_GATEWAY_EXTRA}; the number as +62... ("e164") or 62... ("digits").
SMS_GATEWAY_TO_FIELD = env.str("SMS_GATEWAY_TO_FIELD", default="to")
SMS_GATEWAY_TEXT_FIELD = env.str("SMS_GATEWAY_TEXT_FIELD", default="text")
SMS_GATEWAY_NUMBER_FORMAT = env.str("SMS_GATEWAY_NUMBER_FORMAT", default="e164")
SMS_GATEWAY_EXTRA = env.json("SMS_GATEWAY_EXTRA", default={})
if not SMS_GATEWAY_TO_FIELD or not SMS_GATEWAY_TEXT_FIELD or SMS_GATEWAY_TO_FIELD == SMS_GATEWAY_TEXT_FIELD:
    raise ImproperlyConfigured("SMS_GATEWAY_TO_FIELD and SMS_GATEWAY_TEXT_FIELD must be two different names.")
if SMS_GATEWAY_NUMBER_FORMAT not in ("e164", "digits"):
    raise ImproperlyConfigured("SMS_GATEWAY_NUMBER_FORMAT must be e164 (+62...) or digits (62...).")
if not isinstance(SMS_GATEWAY_EXTRA, dict):
    raise ImproperlyConfigured('SMS_GATEWAY_EXTRA must be a JSON object, e.g. {"sender": "IMIGRASI"}.')
# Many gateways answer 200 to a message they refused, and say so in the JSON body.
# Empty SMS_GATEWAY_SUCCESS_FIELD: the common shapes are read ({"status": false},
# {"success": false}, {"status": "error"}, an "error" key); set it (a dotted path such as
# "status" or "data.code") and only those SMS_GATEWAY_SUCCESS_VALUES mean taken
# (applicants/sms_gateway.py, gateway_refusal).
SMS_GATEWAY_SUCCESS_FIELD = env.str("SMS_GATEWAY_SUCCESS_FIELD", default="").strip()
SMS_GATEWAY_SUCCESS_VALUES = [
    value.strip().lower()
    for value in env.list("SMS_GATEWAY_SUCCESS_VALUES", default=["true", "1", "ok", "success", "sent", "queued"])
    if value.strip()
]
if SMS_GATEWAY_SUCCESS_FIELD and (
    not SMS_GATEWAY_SUCCESS_VALUES or any(not part for part in SMS_GATEWAY_SUCCESS_FIELD.split("."))
):
    raise ImproperlyConfigured(
        "SMS_GATEWAY_SUCCESS_FIELD must be a field name or a dotted path (e.g. status or data.code), "
        "with SMS_GATEWAY_SUCCESS_VALUES listing what it holds when the message was taken (e.g. true,ok)."
    )
# Where SMS/WhatsApp messages go. Empty: the gateway above once SMS_GATEWAY_URL is set,
# else the console backend, which prints them (development only: `check --deploy`
# warns, queue_booking/checks.py).
_HTTP_SMS_BACKEND = "applicants.sms_gateway.HttpSmsBackend"
SMS_BACKEND = env.str("SMS_BACKEND", default="") or (
    _HTTP_SMS_BACKEND if SMS_GATEWAY_URL else "applicants.notifications.ConsoleSmsBackend"
)
if SMS_BACKEND == _HTTP_SMS_BACKEND and not SMS_GATEWAY_URL:
    raise ImproperlyConfigured(f"SMS_BACKEND is {_HTTP_SMS_BACKEND}: set SMS_GATEWAY_URL to the gateway's address.")

# --- Security ---------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# 403_csrf.html, or its staff version on the staff pages (queue_booking/error_pages.py).
CSRF_FAILURE_VIEW = "queue_booking.error_pages.csrf_failure"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True


def _derived_key(purpose: str) -> bytes:
    return hashlib.sha256(f"{purpose}:{SECRET_KEY}".encode()).digest()


# Personal data keys. NIK_ENCRYPTION_KEYS is a comma-separated list of Fernet keys,
# newest first: new values are encrypted with the first, older ones still decrypt, so
# keys rotate without downtime. NIK_HASH_KEY keys the blind index used for look-ups.
# PROOF_SIGNING_KEYS is "kid:secret,kid:secret", the first signs new QR payloads.
if DEBUG:
    _default_fernet = base64.urlsafe_b64encode(_derived_key("nik-encryption")).decode()
    _default_hash = _derived_key("nik-hash").hex()
    _default_proof = "k1:" + _derived_key("proof-signing").hex()
else:
    _default_fernet = _default_hash = _default_proof = ""
NIK_ENCRYPTION_KEYS = env.list("NIK_ENCRYPTION_KEYS", default=[_default_fernet] if _default_fernet else [])
NIK_HASH_KEY = env.str("NIK_HASH_KEY", default=_default_hash)
PROOF_SIGNING_KEYS = dict(
    item.split(":", 1) if ":" in item else ("", "")
    for item in env.list("PROOF_SIGNING_KEYS", default=[_default_proof] if _default_proof else [])
)
for _name, _value in [
    ("NIK_ENCRYPTION_KEYS", NIK_ENCRYPTION_KEYS),
    ("NIK_HASH_KEY", NIK_HASH_KEY),
    ("PROOF_SIGNING_KEYS", PROOF_SIGNING_KEYS),
]:
    if not _value or (isinstance(_value, dict) and not all(k and v for k, v in _value.items())):
        raise ImproperlyConfigured(f"{_name} must be set (see .env.example) when DEBUG is off.")
PROOF_SIGNING_KEY_ID = next(iter(PROOF_SIGNING_KEYS))

# --- Booking rules ----------------------------------------------------------------
BOOKING_MAX_ACTIVE_PER_PERSON = env.int("BOOKING_MAX_ACTIVE_PER_PERSON", default=1)
BOOKING_FREE_RESCHEDULES = env.int("BOOKING_FREE_RESCHEDULES", default=1)
# How often a counter screen and the supervisor's today page read themselves again.
STAFF_LIVE_REFRESH_SECONDS = env.float("STAFF_LIVE_REFRESH_SECONDS", default=10.0)
BOOKING_ONLINE_PRIORITY_TRACK = env.bool("BOOKING_ONLINE_PRIORITY_TRACK", default=False)
# An applicant may reschedule until this many days before the booked date (office time).
BOOKING_CHANGE_CUTOFF_DAYS = env.int("BOOKING_CHANGE_CUTOFF_DAYS", default=1)
WAITING_EXPIRES_AFTER_DAYS = env.int("WAITING_EXPIRES_AFTER_DAYS", default=14)
ROLLOVER_RESERVE_PERCENT = env.int("ROLLOVER_RESERVE_PERCENT", default=0)
AVAILABILITY_CACHE_SECONDS = env.int("AVAILABILITY_CACHE_SECONDS", default=5)
# A session's description (office, date, times, track) as the booking path reads it
# (offices/cache.py). Every change to a session or its office forgets it at once; the
# life only bounds a change made behind the services' back (raw SQL). Room is never
# read from it: the conditional UPDATE decides.
SLOT_COPY_SECONDS = env.int("SLOT_COPY_SECONDS", default=300)
# Whole availability answers kept in each web process (offices/cache.py), never past
# the cache life above. Off under DEBUG so tests and `make run` see every change at once.
AVAILABILITY_LOCAL_CACHE_SECONDS = env.float("AVAILABILITY_LOCAL_CACHE_SECONDS", default=0.0 if DEBUG else 2.0)
if not 0 <= AVAILABILITY_LOCAL_CACHE_SECONDS <= AVAILABILITY_CACHE_SECONDS:
    raise ImproperlyConfigured("AVAILABILITY_LOCAL_CACHE_SECONDS must be between 0 and AVAILABILITY_CACHE_SECONDS.")
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24)
# UU PDP (No. 27/2022): personal data is kept no longer than its purpose needs. An
# applicant's is erased this many days after their last booking ended
# (applicants/services/retention.py, docs/privacy.md).
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=90)
if PERSONAL_DATA_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("PERSONAL_DATA_RETENTION_DAYS must be at least 1.")
# Notifications after a commit (applicants/notifications.py): with a value above 0, one
# "send what is pending" task serves every commit until a worker starts it, instead of
# one task per event. The flag that says "asked" lives in the shared cache (so only with
# Redis) and expires after this many seconds, in case that task is lost.
NOTIFY_COALESCE_SECONDS = env.int("NOTIFY_COALESCE_SECONDS", default=30 if REDIS_URL else 0)
# With coalescing, time is cut into windows of this length: one drain serves each window's
# commits, starting 0.5 s after it ends, and each web process asks the shared cache once
# per window. 0: the drain starts at once and the flag lives NOTIFY_COALESCE_SECONDS.
NOTIFY_DRAIN_DELAY_SECONDS = env.float("NOTIFY_DRAIN_DELAY_SECONDS", default=2.0)
if NOTIFY_COALESCE_SECONDS and not 0 <= NOTIFY_DRAIN_DELAY_SECONDS < NOTIFY_COALESCE_SECONDS:
    raise ImproperlyConfigured("NOTIFY_DRAIN_DELAY_SECONDS must be at least 0 and below NOTIFY_COALESCE_SECONDS.")
# Housekeeping of the booking core (applicants/tasks/maintenance.py).
CELERY_BEAT_SCHEDULE.update(
    {
        "purge-idempotency-keys": {
            "task": "applicants.tasks.purge_idempotency_keys",
            "schedule": 3600.0,
            "options": {"expires": 3500},
        },
        "resend-pending-notifications": {
            "task": "applicants.tasks.resend_pending_notifications",
            "schedule": 600.0,
            "options": {"expires": 590},
        },
        # Daily, at night in Indonesia (19:30 UTC is 02:30 WIB, 04:30 WIT).
        "erase-expired-personal-data": {
            "task": "applicants.tasks.erase_expired_personal_data",
            "schedule": crontab(hour=19, minute=30),
            "options": {"expires": 6 * 3600},
        },
        "purge-personal-data-access": {
            "task": "applicants.tasks.purge_personal_data_access",
            "schedule": 86400.0,
            "options": {"expires": 86000},
        },
    }
)
# How long the record of staff reads of personal data (who saw whose data, UU PDP) is
# kept, in days; older rows are deleted by the daily purge above.
STAFF_ACCESS_LOG_RETENTION_DAYS = env.int("STAFF_ACCESS_LOG_RETENTION_DAYS", default=365)
if STAFF_ACCESS_LOG_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("STAFF_ACCESS_LOG_RETENTION_DAYS must be 1 or more.")

# Reminders go out the day before the appointment, from this hour on the office's clock.
REMINDER_LOCAL_HOUR = env.int("REMINDER_LOCAL_HOUR", default=8)
if not 0 <= REMINDER_LOCAL_HOUR <= 23:
    raise ImproperlyConfigured("REMINDER_LOCAL_HOUR must be an hour from 0 to 23.")

# Rollover and scheduled work (applicants/tasks): each sweep fans out one task per
# office; a sweep that could not start before the next one expires instead of piling up.
CELERY_BEAT_SCHEDULE.update(
    {
        "allocate-waiting-sweep": {
            "task": "applicants.tasks.allocate_waiting_sweep",
            "schedule": 120.0,
            "options": {"expires": 110},
        },
        "end-of-day": {"task": "applicants.tasks.end_of_day_sweep", "schedule": 900.0, "options": {"expires": 850}},
        "send-reminders": {
            "task": "applicants.tasks.send_reminders_sweep",
            "schedule": 1800.0,
            "options": {"expires": 1700},
        },
        "release-reserves": {
            "task": "applicants.tasks.release_reserves_sweep",
            "schedule": 900.0,
            "options": {"expires": 850},
        },
    }
)

# --- Rate limits (django-ratelimit, in the "limits" cache) -------------------------
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
RATELIMIT_USE_CACHE = "limits"
# How many proxies in front of the web process append to X-Forwarded-For (the TLS proxy
# of a production setup: 1). The limits count per client address, taken from that
# header only as far as these proxies wrote it (queue_booking/client_ip.py); with 0,
# REMOTE_ADDR. Left at 0 behind a proxy, every client shares the proxy's one limit.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
RATELIMIT_IP_META_KEY = "queue_booking.client_ip.client_ip"
# With Redis out each process counts for itself (queue_booking/redis_cache.py). Should
# the store fail otherwise, the limits let requests through rather than refusing
# everyone: they are a courtesy to the service, not a rule.
RATELIMIT_FAIL_OPEN = True
# How many web processes share the requests (all gunicorn workers of all web containers;
# by default gunicorn's WEB_CONCURRENCY, else 1). While Redis is out each process counts
# alone and allows this share of each limit but booking creation's
# (queue_booking/rate_limits.py); 1: each allows the whole limit.
RATELIMIT_OUTAGE_PROCESSES = env.int("RATELIMIT_OUTAGE_PROCESSES", default=env.int("WEB_CONCURRENCY", default=1))
if RATELIMIT_OUTAGE_PROCESSES < 1:
    raise ImproperlyConfigured("RATELIMIT_OUTAGE_PROCESSES must be 1 or more.")
RATELIMIT_BOOKING_IP = env.str("RATELIMIT_BOOKING_IP", default="30/m")
RATELIMIT_BOOKING_NIK = env.str("RATELIMIT_BOOKING_NIK", default="5/m")
RATELIMIT_LOOKUP_IP = env.str("RATELIMIT_LOOKUP_IP", default="10/m")
RATELIMIT_LOOKUP_NIK = env.str("RATELIMIT_LOOKUP_NIK", default="5/m")
# Look-ups of one booking code, from anywhere: the proof shows the code beside the NIK's
# first and last digits, so guesses at the rest would otherwise only meet the limits
# above, which a guesser escapes by changing address (and each guess is another NIK).
RATELIMIT_LOOKUP_CODE = env.str("RATELIMIT_LOOKUP_CODE", default="10/h")
# Renewals of a booking's secret link, per address and per booking: each one sends the
# person an email and an SMS, and only a holder of the current link can ask.
RATELIMIT_RENEW_IP = env.str("RATELIMIT_RENEW_IP", default="10/m")
RATELIMIT_RENEW_CODE = env.str("RATELIMIT_RENEW_CODE", default="5/h")
# Applicants changing their phone or email from the booking's link, per address and per
# booking: each change sends the proof to the new contact and a notice to the old one.
RATELIMIT_CONTACT_IP = env.str("RATELIMIT_CONTACT_IP", default="10/m")
RATELIMIT_CONTACT_CODE = env.str("RATELIMIT_CONTACT_CODE", default="5/h")
# Staff looking up a person's bookings by NIK at the desk, per staff user: a person who
# lost their code is rare, a signed-in account reading through NIKs is not a desk's work.
RATELIMIT_STAFF_NIK_LOOKUP = env.str("RATELIMIT_STAFF_NIK_LOOKUP", default="20/h")
# Failed staff and admin sign-ins, per username and per address (queue_booking/sign_in.py).
RATELIMIT_LOGIN_USERNAME = env.str("RATELIMIT_LOGIN_USERNAME", default="10/15m")
RATELIMIT_LOGIN_IP = env.str("RATELIMIT_LOGIN_IP", default="50/15m")

# --- API --------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "queue_booking.api_errors.exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON bodies only, on every endpoint: a form or multipart body is a 415 that says so
    # (the HTML forms post to the pages, never to the API). A multipart body without a
    # single part is no body (queue_booking/api_parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "queue_booking.api_parsers.JSONParser",
        "queue_booking.api_parsers.EmptyMultipartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Antrean Paspor API",
    "DESCRIPTION": "Book a passport appointment at an Indonesian immigration office.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Bodies are JSON; the parser of an empty multipart body takes nothing to document.
    "PARSER_WHITELIST": ["queue_booking.api_parsers.JSONParser"],
    # drf-spectacular's own enum post-processing first, then the errors every view can meet.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "queue_booking.api_schema.document_common_errors",
    ],
}

# Availability days and bookings both have a "status" field with different choices.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "AvailabilityStatusEnum": "offices.selectors.availability.DayStatus",
        "BookingStatusEnum": "applicants.models.BookingStatus",
    }
)
# --- Logging ----------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub_nik": {"()": "queue_booking.logging.ScrubNikFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["scrub_nik"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

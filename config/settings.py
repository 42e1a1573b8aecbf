"""Settings, read from the environment (django-environ).

With nothing set, the service runs on SQLite and the local-memory cache. ``DATABASE_URL`` switches to
PostgreSQL (psycopg 3), ``REDIS_URL`` to Django's own Redis cache backend. Every variable is documented
in ``.env.example``. With ``DEBUG`` off, ``SECRET_KEY`` and ``CRYPTOGRAPHY_KEY`` must be set.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)


def _secret(name: str, dev_default: str) -> str:
    """A secret from the environment; a development default only while DEBUG is on."""
    value = env.str(name, default="")
    if value:
        return value
    if DEBUG:
        return dev_default
    raise ImproperlyConfigured(
        f"{name} is not set. Set it in the environment or in .env (see .env.example); "
        "it has no default when DEBUG is off."
    )


SECRET_KEY = _secret("SECRET_KEY", "dev-only-secret-key-not-for-production")
# Encrypts and signs the stored provider keys (providers/crypto.py), alone: SECRET_KEY can be rotated freely.
# Changing this one needs `manage.py rotate_encryption_key` (README: key rotation), or the stored keys are unreadable.
CRYPTOGRAPHY_KEY = _secret("CRYPTOGRAPHY_KEY", "dev-only-cryptography-key-not-for-production")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "providers",
    "subscriptions",
    "usage",
    "orchestrator",
]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",  # first: every log line of a request carries its id
    "core.middleware.HttpMetricsMiddleware",
    "core.middleware.ApiBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files from the app server itself, cached by hash
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Never a transaction around a whole request: no transaction may be open during a provider call.
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DB_POOL_MAX_SIZE = env.int("DB_POOL_MAX_SIZE", default=10)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DB_POOL_MAX_SIZE > 0:
    # A bounded pool per server process (psycopg_pool): the connections of a machine are at most
    # workers x DB_POOL_MAX_SIZE, whatever the number of calls in flight. A request hands its connection
    # back before each provider call (core.db); one that finds the pool empty waits DB_POOL_TIMEOUT
    # seconds, then gets a 503. Persistent connections (CONN_MAX_AGE) and the pool exclude each other.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DB_POOL_MIN_SIZE", default=2),
        "max_size": DB_POOL_MAX_SIZE,
        "timeout": env.float("DB_POOL_TIMEOUT", default=5.0),
    }
if env.bool("DB_BEHIND_PGBOUNCER", default=False):
    # PgBouncer in transaction mode hands each transaction any server connection: no server-side cursors
    # (they live across transactions) and no server-side prepared statements (psycopg prepares repeated ones).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let concurrent writers wait instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Django's RedisCache with failures as misses and skips, short timeouts and a circuit breaker: losing Redis
    # degrades the service (no response cache, per-process throttles), it does not take it down (core.cache).
    CACHES = {"default": {"BACKEND": "core.cache.TolerantRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"  # filled by `manage.py collectstatic` (make serve runs it)
# WhiteNoise serves STATIC_ROOT: file names carry a content hash (cached for a year), compressed variants beside.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# HTTPS. Behind a TLS-terminating proxy the server itself speaks plain HTTP: the proxy must send
# X-Forwarded-Proto, and gunicorn trusts it from FORWARDED_ALLOW_IPS only (config/gunicorn.conf.py).
# HTTPS_ONLY turns on the redirect to https, secure cookies and HSTS together; off for plain-HTTP setups
# (local runs, a private network). The health and metrics probes of a load balancer are never redirected.
HTTPS_ONLY = env.bool("HTTPS_ONLY", default=False)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS_ONLY)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=HTTPS_ONLY)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=HTTPS_ONLY)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS_ONLY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)

# Request bodies: a 5 MB image as base64 is ~6.7 MB, plus the JSON around it.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=8 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.authentication.TokenAuthentication",  # DRF's, refusing a malformed key before the lookup
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # core.parsers.JSONParser: DRF's, with deep nesting and lone surrogates a 400 instead of a 500.
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",  # documents every error status in the error shape
    "EXCEPTION_HANDLER": "core.exceptions.api_exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "AI Orchestrator API",
    "DESCRIPTION": "Job extraction, CV and cover-letter drafting, and the super-admin API.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# The plan of a user without a subscription.
DEFAULT_PLAN_CODE = env.str("DEFAULT_PLAN_CODE", default="freemium")

# Provider settings used when no config is stored in the database (docs/architecture.md). A model left empty
# falls back to the code default (providers.models.DEFAULT_MODELS).
PROVIDER_ENV = {
    "gemini": {
        "api_key": env.str("GEMINI_API_KEY", default=""),
        "fast_model": env.str("GEMINI_MODEL_FAST", default=""),
        "quality_model": env.str("GEMINI_MODEL_QUALITY", default=""),
    },
    "openai": {
        "api_key": env.str("OPENAI_API_KEY", default=""),
        "fast_model": env.str("OPENAI_MODEL_FAST", default=""),
        "quality_model": env.str("OPENAI_MODEL_QUALITY", default=""),
    },
    "anthropic": {
        "api_key": env.str("ANTHROPIC_API_KEY", default=""),
        "fast_model": env.str("ANTHROPIC_MODEL_FAST", default=""),
        "quality_model": env.str("ANTHROPIC_MODEL_QUALITY", default=""),
    },
}
PROVIDER_TIMEOUT_SECONDS = env.float("PROVIDER_TIMEOUT_SECONDS", default=60.0)
# The exact-match response cache of the tasks that have a TTL (orchestrator.services.response_cache.TTL_SECONDS).
RESPONSE_CACHE_ENABLED = env.bool("RESPONSE_CACHE_ENABLED", default=True)
# Seconds each server process keeps plans, prices and provider configs before reading them again
# (core.local_cache): an admin's change applies everywhere within this time, with or without Redis.
LOCAL_CACHE_SECONDS = env.float("LOCAL_CACHE_SECONDS", default=1.0)

# Alerts (manage.py check_alerts): where newly opened alerts go. Thresholds and their defaults are in
# usage/alerts.py (ALERT_* settings override them).
ALERT_WEBHOOK_URL = env.str("ALERT_WEBHOOK_URL", default="")
ALERT_EMAILS = env.list("ALERT_EMAILS", default=[])
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ai-orchestrator@localhost")

# Job URL fetching: tests may allow a local test server; never on in production.
JOB_FETCH_ALLOW_PRIVATE_HOSTS = env.bool("JOB_FETCH_ALLOW_PRIVATE_HOSTS", default=False)

# /metrics: with a token, only "Authorization: Bearer <token>"; without, loopback or DEBUG only (core.metrics).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# One line per record, with the request id (core.logging): JSON for log shippers, text for a developer.
LOG_FORMAT = env.str("LOG_FORMAT", default="") or ("text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "core.logging.RequestIdFilter"},
        "redact_secrets": {"()": "core.logging.RedactSecretsFilter"},
    },
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # ISO 8601, UTC
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's default handlers are dropped (its records reach the console handler above, once) and its
        # level follows LOG_LEVEL.
        "django": {"level": "NOTSET"},
        # The vendor SDKs' HTTP client logs every request at INFO: noise, and URLs are not ours to log.
        "httpx2": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
    },
}

"""Django settings, read from ``LIVENEWS_*`` environment variables.

Every variable is listed in docs/settings.md (a test keeps the two in step).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url

from livenews.core.datadir import data_dir, secret_key
from livenews.core.envflags import env_bool, env_float, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()

SECRET_KEY = secret_key(DATA_DIR)
DEBUG = env_bool("LIVENEWS_DEBUG", False)
ALLOWED_HOSTS = env_list("LIVENEWS_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "livenews.events",
    "livenews.sources",
    "livenews.articles",
    "livenews.stories",
    "livenews.live",
    "livenews.web",
    "livenews.newsroom",
    "livenews.syndication",
    "livenews.search",
    "livenews.api",
    "livenews.webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "livenews.urls"
WSGI_APPLICATION = "livenews.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "livenews.web.context.site",
            ],
        },
    },
]


def _database() -> dict[str, object]:
    default_url = f"sqlite:///{DATA_DIR / 'livenews.sqlite3'}"
    config: dict[str, object] = dict(
        dj_database_url.parse(
            os.environ.get("LIVENEWS_DATABASE_URL") or default_url,
            conn_max_age=600,
            conn_health_checks=True,
        )
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write
        # lock at BEGIN so two writers queue on busy_timeout instead of failing
        # mid-transaction with "database is locked".
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA busy_timeout=20000;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        # A file, not memory, so servers started by tests in other threads and
        # processes see the same test database.
        config["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
    elif os.environ.get("LIVENEWS_TEST_DATABASE_NAME"):
        # Two test runs on one PostgreSQL server each need their own database.
        config["TEST"] = {"NAME": os.environ["LIVENEWS_TEST_DATABASE_NAME"]}
    if env_bool("LIVENEWS_TESTING"):
        # Tests start servers in threads; closing after each request lets the
        # test database be dropped at the end.
        config["CONN_MAX_AGE"] = 0
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 for every new or changed password; PBKDF2 still verifies old ones.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout after repeated failures, counted per account and per address apart.
AXES_FAILURE_LIMIT = env_int("LIVENEWS_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_float("LIVENEWS_LOGIN_LOCKOUT_MINUTES", 15.0) / 60
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "newsroom/locked.html"
AXES_VERBOSE = False
LOGIN_URL = "/newsroom/login/"
SESSION_COOKIE_AGE = int(env_float("LIVENEWS_SESSION_HOURS", 12.0) * 3600)
OTP_TOTP_ISSUER = "livenews"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

# A strict policy: no inline script or style on public pages; the admin (Django's
# own pages, staff only) is excluded because it relies on inline styles.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "https:", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LIVENEWS: dict[str, Any] = {
    "SITE_NAME": os.environ.get("LIVENEWS_SITE_NAME", "livenews"),
    "BUS_URL": os.environ.get("LIVENEWS_BUS_URL", "memory://"),
    "ALLOW_PRIVATE_SOURCES": env_bool("LIVENEWS_ALLOW_PRIVATE_SOURCES", False),
    "STARTER_SOURCES": env_bool("LIVENEWS_STARTER_SOURCES", True),
    "POLL_INTERVAL": env_int("LIVENEWS_POLL_INTERVAL", 600),
    "INGEST_TICK": env_float("LIVENEWS_INGEST_TICK", 5.0),
    "FETCH_TIMEOUT": env_float("LIVENEWS_FETCH_TIMEOUT", 20.0),
    "MAX_BODY_BYTES": env_int("LIVENEWS_MAX_BODY_BYTES", 10 * 1024 * 1024),
    "MAX_ENTRIES_PER_FETCH": env_int("LIVENEWS_MAX_ENTRIES_PER_FETCH", 500),
    "FETCH_CONCURRENCY": env_int("LIVENEWS_FETCH_CONCURRENCY", 20),
    "HOST_CONCURRENCY": env_int("LIVENEWS_HOST_CONCURRENCY", 2),
    "HOST_MIN_GAP": env_float("LIVENEWS_HOST_MIN_GAP", 0.0),
    "MIN_POLL_INTERVAL": env_int("LIVENEWS_MIN_POLL_INTERVAL", 120),
    "MAX_POLL_INTERVAL": env_int("LIVENEWS_MAX_POLL_INTERVAL", 86400),
    "MAX_BACKOFF": env_int("LIVENEWS_MAX_BACKOFF", 6 * 3600),
    "RETRY_AFTER_MAX": env_int("LIVENEWS_RETRY_AFTER_MAX", 6 * 3600),
    "LEASE_SECONDS": env_float("LIVENEWS_LEASE_SECONDS", 300.0),
    "LEASE_BATCH": env_int("LIVENEWS_LEASE_BATCH", 200),
    "WEBSUB_CALLBACK_URL": os.environ.get("LIVENEWS_WEBSUB_CALLBACK_URL", ""),
    "WEBSUB_LEASE_SECONDS": env_int("LIVENEWS_WEBSUB_LEASE_SECONDS", 10 * 86400),
    "WEBSUB_POLL_INTERVAL": env_int("LIVENEWS_WEBSUB_POLL_INTERVAL", 6 * 3600),
    "FULL_TEXT_MIN_WORDS": env_int("LIVENEWS_FULL_TEXT_MIN_WORDS", 80),
    "OUTBOX_POLL": env_float("LIVENEWS_OUTBOX_POLL", 0.5),
    "OUTBOX_GAP_GRACE": env_float("LIVENEWS_OUTBOX_GAP_GRACE", 1.0),
    "SSE_HEARTBEAT": env_float("LIVENEWS_SSE_HEARTBEAT", 15.0),
    "SSE_RETRY_MS": env_int("LIVENEWS_SSE_RETRY_MS", 3000),
    "SSE_QUEUE_SIZE": env_int("LIVENEWS_SSE_QUEUE_SIZE", 256),
    "SSE_MAX_CLIENTS": env_int("LIVENEWS_SSE_MAX_CLIENTS", 10000),
    "REPLAY_LIMIT": env_int("LIVENEWS_REPLAY_LIMIT", 1000),
    "POLL_MS": env_int("LIVENEWS_POLL_MS", 5000),
    "PAGE_CACHE_MB": env_int("LIVENEWS_PAGE_CACHE_MB", 64),
    "PAGE_CACHE_TTL": env_float("LIVENEWS_PAGE_CACHE_TTL", 60.0),
    "CDN_MAX_AGE": env_int("LIVENEWS_CDN_MAX_AGE", 10),
    "PAGE_CACHE_URL": os.environ.get("LIVENEWS_PAGE_CACHE_URL", ""),
    "PURGE_URL": os.environ.get("LIVENEWS_PURGE_URL", ""),
    # Feeds, sitemaps, API and webhooks (issue 7).
    "SITE_LANGUAGE": os.environ.get("LIVENEWS_SITE_LANGUAGE", "en"),
    "SITE_URL": os.environ.get("LIVENEWS_SITE_URL", ""),
    "WEBSUB_HUB": os.environ.get("LIVENEWS_WEBSUB_HUB", ""),
    "FEED_ITEMS": env_int("LIVENEWS_FEED_ITEMS", 50),
    "FEED_MAX_AGE": env_int("LIVENEWS_FEED_MAX_AGE", 60),
    "API_MAX_AGE": env_int("LIVENEWS_API_MAX_AGE", 5),
    "API_PAGE_SIZE": env_int("LIVENEWS_API_PAGE_SIZE", 50),
    "API_READ_RATE": env_int("LIVENEWS_API_READ_RATE", 600),
    "API_WRITE_RATE": env_int("LIVENEWS_API_WRITE_RATE", 60),
    "WEBHOOK_TIMEOUT": env_float("LIVENEWS_WEBHOOK_TIMEOUT", 10.0),
    "WEBHOOK_RETRY_BASE": env_int("LIVENEWS_WEBHOOK_RETRY_BASE", 30),
    "WEBHOOK_MAX_BACKOFF": env_int("LIVENEWS_WEBHOOK_MAX_BACKOFF", 3600),
    "WEBHOOK_PAUSE_AFTER": env_int("LIVENEWS_WEBHOOK_PAUSE_AFTER", 86400),
    "WEBHOOK_TICK": env_float("LIVENEWS_WEBHOOK_TICK", 2.0),
}

LOG_FORMAT = os.environ.get("LIVENEWS_LOG_FORMAT", "logfmt")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {
            "()": "livenews.core.logfmt.StructuredFormatter",
            "style": LOG_FORMAT,
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "structured"},
    },
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("LIVENEWS_LOG_LEVEL", "INFO"),
    },
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}

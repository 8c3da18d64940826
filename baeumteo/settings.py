"""Baeumteo settings: one file, driven by environment variables.

SQLite is the default so that one command runs the site on a fresh machine;
set DATABASE_URL=postgres://… for PostgreSQL (what a national deployment runs).
Every variable is listed in docs/deployment.md.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The development key starts with "django-insecure-" so `check --deploy` refuses it.
SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-baeumteo-development-only-key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "django_htmx",
    "ninja",
    "accounts",
    "audit",
    "privacy",
    "regions",
    "centers",
    "courses",
    "classes",
    "learners",
    "enrollment",
    "notifications",
    "attendance",
    "assessment",
    "surveys",
    "kiosk",
    "stats",
    "finder",
    "pages",
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A class locked for too long: HTTP 503 "잠시 후 다시 시도해 주세요", never a 500.
    "enrollment.middleware.EnrollmentBusyMiddleware",
    # A staff tablet handed to a learner: staff pages locked (accounts/handover.py).
    "accounts.handover.HandoverMiddleware",
    # AxesMiddleware must be last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "baeumteo.urls"
WSGI_APPLICATION = "baeumteo.wsgi.application"

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
                "pages.context_processors.display_preferences",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'baeumteo.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue on one lock instead of failing with "database is locked":
    # IMMEDIATE takes the write lock at BEGIN, the timeout lets the next writer wait.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and login protection -----------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts-login"
LOGIN_REDIRECT_URL = "accounts-home"
LOGOUT_REDIRECT_URL = "pages-home"

# Five wrong passwords for one username from one address lock that pair out.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLE_ADMIN = True

API_TOKEN_LIFETIME = timedelta(days=int(os.environ.get("API_TOKEN_DAYS", "90")))

# --- HTTPS, cookies, headers -------------------------------------------------

# HTTPS is on unless DEBUG; a local test server on http sets HTTPS=0.
HTTPS = env_bool("HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 63072000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies stand in front of the site: the client address in the
# access log is then read from X-Forwarded-For, counting that many hops back.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(timedelta(hours=8).total_seconds())
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Personal data ---------------------------------------------------------

# "id:base64key" pairs, newest first: the first encrypts, all decrypt (rotation).
PII_ENCRYPTION_KEYS = os.environ.get("PII_ENCRYPTION_KEYS", "")
PII_BLIND_INDEX_KEY = os.environ.get("PII_BLIND_INDEX_KEY", "")
ACCESS_LOG_RETENTION = timedelta(days=int(os.environ.get("ACCESS_LOG_RETENTION_DAYS", "730")))

# --- Language, time, static files -------------------------------------------

LANGUAGE_CODE = "ko-kr"
LANGUAGES = [("ko", _("Korean"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}

# The programme's national call centre, shown on every page where a learner may need help.
HELPLINE_PHONE = os.environ.get("HELPLINE_PHONE", "1800-0000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # numexpr (under catsim) announces its thread count at INFO on first use.
    "loggers": {"axes": {"level": "WARNING"}, "numexpr": {"level": "WARNING"}},
}

# --- Map (finding a class) ------------------------------------------------------

# The class map draws region boundaries and needs no tile server. A tile URL
# such as "https://tiles.example.org/{z}/{x}/{y}.png" adds a background layer;
# its origin is then allowed in the CSP's img-src.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")
if MAP_TILE_URL:
    from urllib.parse import urlsplit

    # "{s}.tile.example.org" (Leaflet's subdomains) becomes "*.tile.example.org".
    _tiles = urlsplit(MAP_TILE_URL.replace("{s}", "*"))
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")

NINJA_PAGINATION_PER_PAGE = 100
NINJA_PAGINATION_MAX_LIMIT = 1000

# --- Enrollment and notifications --------------------------------------------------

# How long (ms) an application waits for a busy class on PostgreSQL before the
# applicant is asked to try again (HTTP 503). SQLite waits up to its busy timeout.
ENROLLMENT_LOCK_TIMEOUT_MS = int(os.environ.get("ENROLLMENT_LOCK_TIMEOUT_MS", "3000"))
# Online applications confirm the phone with a one-time SMS code; a closed
# deployment (applications taken only in centres' networks) may turn it off.
ENROLLMENT_PHONE_VERIFICATION = env_bool("ENROLLMENT_PHONE_VERIFICATION", True)
# Where the public certificate check lives, printed as the QR code on certificates.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# Text messages: "console" (the log), "file" (one JSON line per message in
# SMS_FILE_PATH) or "nhn" (NHN Cloud SMS API v3.0, see docs/notifications.md).
SMS_BACKEND = os.environ.get("SMS_BACKEND", "console")
SMS_FILE_PATH = os.environ.get("SMS_FILE_PATH", str(BASE_DIR / "var" / "sms.jsonl"))
SMS_SENDER_NUMBER = os.environ.get("SMS_SENDER_NUMBER", HELPLINE_PHONE)
NHN_SMS_BASE_URL = os.environ.get("NHN_SMS_BASE_URL", "https://api-sms.cloud.toast.com")
NHN_SMS_APP_KEY = os.environ.get("NHN_SMS_APP_KEY", "")
NHN_SMS_SECRET_KEY = os.environ.get("NHN_SMS_SECRET_KEY", "")
# Seconds the notifications worker waits for NHN Cloud before trying again later.
NHN_SMS_TIMEOUT = float(os.environ.get("NHN_SMS_TIMEOUT", "10"))

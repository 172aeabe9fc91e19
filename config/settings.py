"""Settings read from environment variables with safe local defaults.

Nothing configured → SQLite (WAL) in ./var, files in ./var/media, the database task queue, SMS to the
console, DEBUG on (`make dev`). `make run` sets DEBUG=0 and still needs no other variable.
DJANGO_ENV=production switches on HTTPS-only cookies and redirects and refuses to start with an insecure
or missing value (config/production.py). Every variable is in the table of docs/deploy.md.
"""

import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url

from config.production import PLACEHOLDER_BANK_ACCOUNT, refuse_insecure

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default):
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Environment (issue 11): "local" (make dev / make run, plain http on this box) or "production".
DJANGO_ENV = os.environ.get("DJANGO_ENV", "local").strip().lower()
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env_bool("DEBUG", not PRODUCTION)


def local_secret_key() -> str:
    """`make run` without SECRET_KEY: a random key kept in var/secret_key, so sessions survive restarts."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and not PRODUCTION:  # production refuses to start instead (config/production.py)
    SECRET_KEY = (
        "django-insecure-local-development-only-key-do-not-use-in-production" if DEBUG else local_secret_key()
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "*" if DEBUG else "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "core",
    "accounts",
    "orgs",
    "plans",
    "review",
    "units",
    "enrollment",
    "billing",
    "claims",
    "notifications",
    "reports",
    "api",
]

MIDDLEWARE = [
    "core.middleware.RequestLogMiddleware",  # first: request id and one log line per request (issue 11)
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "core.context_processors.navigation",
            ],
        },
    },
]

# --- Database: SQLite (WAL) by default, anything dj-database-url understands via DATABASE_URL.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    # Persistent connections (DB_CONN_MAX_AGE seconds, checked before reuse). Behind PgBouncer in
    # transaction mode set DB_PGBOUNCER=1: no server-side cursors (see docs/deploy.md).
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", 60)), conn_health_checks=True
        )
    }
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DB_PGBOUNCER", False)
    # One test database per test run, so that parallel runs on one server do not drop each other's.
    DATABASES["default"]["TEST"] = {"NAME": f"test_mutualaid_{os.getpid()}"}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "db.sqlite3")),
            # A file (not :memory:) so that a worker process in tests can share the test database.
            # Each test run gets its own file (not :memory:) so that a worker process can share it.
            "TEST": {"NAME": str(Path(tempfile.gettempdir()) / f"mutualaid-test-{os.getpid()}.sqlite3")},
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "accounts.backends.MobileOrIdNumberBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Stored files are never served from MEDIA_URL: views check access and stream them.
MEDIA_URL = "/media-not-served/"

# --- Storage (issue 11): local disk by default; a private S3-compatible bucket when S3_BUCKET is set.
# Materials, rosters and issued notices all go through Django's storage API; downloads are streamed by
# views after their access check, never by a public or pre-signed bucket URL.
S3_BUCKET = os.environ.get("S3_BUCKET", "")
if S3_BUCKET:
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "location": os.environ.get("S3_PREFIX", ""),
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID"),
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY"),
            "addressing_style": os.environ.get("S3_ADDRESSING_STYLE") or None,  # "path" for MinIO etc.
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
        },
    }
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    # DEBUG off (make run, production): compressed files with hashed names from `collectstatic`.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Upload limits: materials (PDF/JPEG/PNG) up to 10 MB each.
MATERIAL_MAX_BYTES = int(os.environ.get("MATERIAL_MAX_BYTES", 10 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Rosters: files up to ROSTER_MAX_BYTES and ROSTER_MAX_ROWS rows; above ROSTER_SYNC_ROWS rows the import
# runs in the background worker with a progress bar. An import without a heartbeat for
# ROSTER_STALE_SECONDS counts as interrupted and can be retried.
ROSTER_MAX_BYTES = int(os.environ.get("ROSTER_MAX_BYTES", 30 * 1024 * 1024))
ROSTER_MAX_ROWS = int(os.environ.get("ROSTER_MAX_ROWS", 100_000))
ROSTER_SYNC_ROWS = int(os.environ.get("ROSTER_SYNC_ROWS", 2000))
ROSTER_STALE_SECONDS = int(os.environ.get("ROSTER_STALE_SECONDS", 120))

# The union's receiving account printed on payment notices (缴费通知单).
UNION_ACCOUNT_NAME = os.environ.get("UNION_ACCOUNT_NAME", "青岛市总工会职工互助保障专户")
UNION_BANK_NAME = os.environ.get("UNION_BANK_NAME", "中国工商银行青岛市分行营业部")
UNION_BANK_ACCOUNT = os.environ.get("UNION_BANK_ACCOUNT", PLACEHOLDER_BANK_ACCOUNT)  # production refuses it
PAYMENT_DUE_DAYS = int(os.environ.get("PAYMENT_DUE_DAYS", 15))

# --- Background work: django-tasks with the database backend; `make run` starts one worker,
# production runs N (`manage.py worker`). Each beats every WORKER_HEARTBEAT_SECONDS; a worker silent for
# three beats is dead, and the task it was running goes back to the queue (at most TASK_MAX_ATTEMPTS runs).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
WORKER_HEARTBEAT_SECONDS = float(os.environ.get("WORKER_HEARTBEAT_SECONDS", 10))
TASK_MAX_ATTEMPTS = int(os.environ.get("TASK_MAX_ATTEMPTS", 3))

# --- SMS and real-name authentication are pluggable (console / format check by default).
SMS_BACKEND = os.environ.get("SMS_BACKEND", "accounts.sms.ConsoleBackend")
REALNAME_PROVIDER = os.environ.get("REALNAME_PROVIDER", "accounts.realname.FormatCheckProvider")
SMS_CODE_TTL_SECONDS = 5 * 60
SMS_CODE_MAX_ATTEMPTS = 5
SMS_RESEND_SECONDS = 60

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"  # material files opt in to SAMEORIGIN for the in-page preview

# --- HTTPS (issue 11): production only. `make run` serves plain http on 127.0.0.1 with DEBUG off, so its
# cookies cannot be Secure-only and nothing redirects to https there.
SECURE_CONTENT_TYPE_NOSNIFF = True
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz"]  # load balancers probe the nodes over plain http
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Logs (issue 11): LOG_FORMAT=json (default with DEBUG off) writes one JSON object a line: every
# request (core.middleware.RequestLogMiddleware) and every task (core.tasklog), with the request id.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # seven progress lines per PDF
        "fontTools": {"level": "WARNING"},
    },
}

# --- Production refuses insecure settings (keep this the last statement; rules in config/production.py).
if PRODUCTION:
    refuse_insecure(globals(), os.environ)

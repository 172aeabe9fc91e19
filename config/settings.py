"""Settings read from environment variables with safe local defaults.

Nothing configured → SQLite (WAL) in ./var, files in ./var/media, the database task queue, SMS to the
console, DEBUG on (`make dev`). `make run` sets DEBUG=0 and still needs no other variable.
DJANGO_ENV=production switches on HTTPS-only cookies and redirects and refuses to start with an insecure
or missing value (config/production.py). Every variable is in the table of docs/deploy.md.
"""

import datetime
import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url

from config.production import refuse_insecure

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
    """Without SECRET_KEY (`make run`, `make dev`): a random key kept in var/secret_key, so sessions survive
    restarts and the development encryption key derived from it (core.crypto) stays the same in both modes."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and not PRODUCTION:  # production refuses to start instead (config/production.py)
    SECRET_KEY = local_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "*" if DEBUG else "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "core.apps.AuditedAdminConfig",  # django.contrib.admin whose every edit writes the audit trail
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
    "axes",
    "csp",
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
    "audit",
    "demo",  # seed_demo for make run / make dev; uses every app, used by none
    "bench",  # the generated city and `make bench` (no models, no URLs)
]

MIDDLEWARE = [
    "core.middleware.RequestLogMiddleware",  # first: request id and one log line per request (issue 11)
    "core.middleware.RequestLimitsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Twice on purpose (DEBUG only, see the class): here for errors raised by the middleware below it
    # (a bad Host header), innermost for everything the views raise.
    "core.middleware.FriendlyErrorPagesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.NoStoreMiddleware",
    "core.middleware.AuditContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.MenuCountsMiddleware",  # a user's write: his next page counts his badges afresh
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.PasswordExpiryMiddleware",
    "core.middleware.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",
    "core.middleware.FriendlyErrorPagesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],  # overrides of other apps' templates (系统管理: admin/)
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
    "accounts.backends.LockoutBackend",  # django-axes: refuses a locked account + client before anything else
    "rules.permissions.ObjectPermissionBackend",
    "accounts.backends.MobileOrIdNumberBackend",
]
# Applied whenever a person sets or changes a password (registration, 修改密码, /admin/). See SECURITY.md.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.passwords.PasswordPolicyValidator"},
    {"NAME": "accounts.passwords.CommonPasswordValidator"},
]
# Argon2id first; PBKDF2 hashes of older accounts are upgraded at their next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Chinese only, whatever the browser asks for (no LocaleMiddleware): the manual's words everywhere, and the
# administration in Chinese too. locale/ adds what Django's own translation lacks (admin, permissions).
LANGUAGE_CODE = "zh-hans"
LOCALE_PATHS = [BASE_DIR / "locale"]
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
            # CI's parallel test workers (pytest-xdist) each keep their files under their own prefix.
            "location": os.environ.get("S3_PREFIX") or os.environ.get("PYTEST_XDIST_WORKER", ""),
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

# Upload limits: materials (PDF/JPEG/PNG) up to 10 MB each, images up to 50 million pixels. The first
# upload handler stops a file at its view's limit while the body streams in (core.uploads); form bodies
# without files are limited to 5 MB. Everything over a limit gets a Chinese 413 (core.middleware).
MATERIAL_MAX_BYTES = int(os.environ.get("MATERIAL_MAX_BYTES", 10 * 1024 * 1024))
IMAGE_MAX_PIXELS = int(os.environ.get("IMAGE_MAX_PIXELS", 50_000_000))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# 统计报表 is counted at most once per REPORT_CACHE_SECONDS per scope (the city or a district), year and day
# in each server process (the page shows its 统计时间); the Excel export is always counted afresh.
REPORT_CACHE_SECONDS = int(os.environ.get("REPORT_CACHE_SECONDS", 300))

# Rosters: files up to ROSTER_MAX_BYTES and ROSTER_MAX_ROWS rows, ROSTER_MAX_COLUMNS columns and
# ROSTER_MAX_CELL_CHARS characters per cell (checked on the raw file before anything parses it, see
# core.spreadsheets); the one parse runs in a child process limited to ROSTER_READER_MEMORY_MB and
# ROSTER_READER_TIMEOUT seconds. Up to ROSTER_SYNC_ROWS rows (an .xls: up to ROSTER_SYNC_BYTES) the
# import runs at once, above in the background worker with a progress bar. A running import without a
# heartbeat for ROSTER_STALE_SECONDS (a queued one: ROSTER_PENDING_STALE_SECONDS) was interrupted: it is
# shown as 导入失败 with 【重新导入】.
ROSTER_MAX_BYTES = int(os.environ.get("ROSTER_MAX_BYTES", 30 * 1024 * 1024))
ROSTER_MAX_ROWS = int(os.environ.get("ROSTER_MAX_ROWS", 100_000))
ROSTER_MAX_COLUMNS = int(os.environ.get("ROSTER_MAX_COLUMNS", 64))
ROSTER_MAX_CELL_CHARS = int(os.environ.get("ROSTER_MAX_CELL_CHARS", 1000))
ROSTER_READER_MEMORY_MB = int(os.environ.get("ROSTER_READER_MEMORY_MB", 1024))
ROSTER_READER_TIMEOUT = int(os.environ.get("ROSTER_READER_TIMEOUT", 120))
ROSTER_SYNC_ROWS = int(os.environ.get("ROSTER_SYNC_ROWS", 2000))
ROSTER_SYNC_BYTES = int(os.environ.get("ROSTER_SYNC_BYTES", 256 * 1024))
ROSTER_STALE_SECONDS = int(os.environ.get("ROSTER_STALE_SECONDS", 120))
ROSTER_PENDING_STALE_SECONDS = int(os.environ.get("ROSTER_PENDING_STALE_SECONDS", 600))

# The union's receiving account printed on payment notices (缴费通知单). No default: while any of the
# three is unset no notice is issued or printed (billing.selectors.union_account says so in Chinese).
# `make run` supplies clearly marked demo values (Makefile).
UNION_ACCOUNT_NAME = os.environ.get("UNION_ACCOUNT_NAME", "").strip()
UNION_BANK_NAME = os.environ.get("UNION_BANK_NAME", "").strip()
UNION_BANK_ACCOUNT = os.environ.get("UNION_BANK_ACCOUNT", "").strip()
PAYMENT_DUE_DAYS = int(os.environ.get("PAYMENT_DUE_DAYS", 15))
# 缴费提醒 (manage.py notice_reminders, daily): the agent is reminded this many days before the due date
# and on the due date itself, each once.
NOTICE_REMINDER_DAYS_BEFORE = int(os.environ.get("NOTICE_REMINDER_DAYS_BEFORE", 3))

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

# --- Accounts, sessions, audit and personal data (等保 2.0 level 2 / OWASP ASVS L2 — see SECURITY.md).
# Login lockout (django-axes): an account + client is locked after AXES_FAILURE_LIMIT failures for
# LOCKOUT_MINUTES; the administrator unlocks it under 系统管理 → 登录锁定. API bearer-token failures count
# per client in the same way.
AXES_FAILURE_LIMIT = int(os.environ.get("LOCKOUT_FAILURES", 5))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOCKOUT_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = "accounts.lockout.lockout_parameters"
AXES_USERNAME_CALLABLE = "accounts.lockout.canonical_username"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.middleware.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ENABLE_ADMIN = False  # the 登录锁定 screen replaces axes' own admin pages
AXES_VERBOSE = False
# Behind a reverse proxy set TRUSTED_PROXY_COUNT to the number of proxies that append X-Forwarded-For.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", 0))

# Passwords of staff (everyone but agents) expire; the next login must change them first.
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", 90))

# Sessions end after SESSION_IDLE_SECONDS without a request and SESSION_ABSOLUTE_SECONDS after login.
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_SECONDS", 30 * 60))
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_COOKIE_SAMESITE = "Lax"

# SMS codes: besides one per number per SMS_RESEND_SECONDS, at most these many an hour.
SMS_PER_NUMBER_PER_HOUR = int(os.environ.get("SMS_PER_NUMBER_PER_HOUR", 5))
SMS_PER_CLIENT_PER_HOUR = int(os.environ.get("SMS_PER_CLIENT_PER_HOUR", 10))
SMS_GLOBAL_PER_HOUR = int(os.environ.get("SMS_GLOBAL_PER_HOUR", 1000))

# API tokens expire after API_TOKEN_DAYS; a password change or deactivation revokes them.
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", 90))

# Content-Security-Policy (django-csp): no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}

# Encryption at rest of bank accounts, diagnoses, accident descriptions and uploaded files (Fernet).
# FIELD_ENCRYPTION_KEYS: comma-separated Fernet keys, the first encrypts, all decrypt (rotation: put a new
# key first, run `manage.py rotate_encryption_keys`, then drop the old one). Without it a development key
# is derived from the local SECRET_KEY; DJANGO_ENV=production refuses to start without it
# (config/production.py).
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", "")

# The audit trail (操作日志) is kept AUDIT_RETENTION_DAYS (at least 183: 网络安全法 Art. 21 asks for six
# months); `manage.py audit_prune` removes older rows.
AUDIT_RETENTION_DAYS = max(183, int(os.environ.get("AUDIT_RETENTION_DAYS", 365)))

# --- Production refuses insecure settings (keep this the last statement; rules in config/production.py).
if PRODUCTION:
    refuse_insecure(globals(), os.environ)

# Bank statements (银行流水对账, billing.statements): the file's size and rows, read like a roster
# (core.spreadsheets).
STATEMENT_MAX_BYTES = int(os.environ.get("STATEMENT_MAX_BYTES", 10 * 1024 * 1024))
STATEMENT_MAX_ROWS = int(os.environ.get("STATEMENT_MAX_ROWS", 20_000))

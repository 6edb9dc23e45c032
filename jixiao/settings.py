"""The one settings file. Everything that differs between machines comes from JIXIAO_* variables."""

import os
import sys
from pathlib import Path

import dj_database_url

from jixiao.lib.env import SettingError, env_bool, env_int, env_list, env_str
from jixiao.portal.framing import origins as frame_origins

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("JIXIAO_VAR_DIR", str(BASE_DIR / "var")))

# pytest (8.2+) sets PYTEST_VERSION: tests run with a throwaway key and unhashed static file names.
TESTING = "PYTEST_VERSION" in os.environ
DEBUG = env_bool("JIXIAO_DEBUG", False)
# Demo mode: the synthetic district may be loaded and its accounts may log in. Production leaves it off.
DEMO_MODE = env_bool("JIXIAO_DEMO_MODE", False)
# Public (it is in the repository): `check --deploy` fails while it is in use (jixiao.E001, accounts/checks.py).
DEVELOPMENT_SECRET_KEY = "jixiao-insecure-development-key-" + "x" * 32
SECRET_KEY = env_str("JIXIAO_SECRET_KEY")
if not SECRET_KEY:
    # Management commands (makemigrations, check, …) may run without a key; the web server may not, outside
    # debug and demo mode. `check --deploy` still reports the insecure key.
    if DEBUG or DEMO_MODE or TESTING or Path(sys.argv[0]).name == "manage.py":
        SECRET_KEY = DEVELOPMENT_SECRET_KEY
    else:
        raise SettingError("JIXIAO_SECRET_KEY must be set outside debug and demo mode")
# Old keys after a rotation: sessions signed and TOTP secrets sealed under them still open.
SECRET_KEY_FALLBACKS = env_list("JIXIAO_SECRET_KEY_FALLBACKS", [])
ALLOWED_HOSTS = env_list("JIXIAO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("JIXIAO_CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "jixiao.ui.errors.csrf_failure"  # a Chinese page in the right layout, not Django's English one

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "jixiao.audit",
    "jixiao.accounts",
    "jixiao.org",
    "jixiao.indicators",
    "jixiao.reporting",
    "jixiao.keywork",
    "jixiao.evaluation",
    "jixiao.scoring",
    "jixiao.results",
    "jixiao.portal",
    "jixiao.analysis",
    "jixiao.cadres",
    "jixiao.api",
    "jixiao.notifications",
    "jixiao.schedule",
    "jixiao.backup",
    "jixiao.ui",
    "jixiao.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jixiao.portal.framing.PortalFramingMiddleware",  # the 专栏: /p/ may be framed by listed sites
    "django_htmx.middleware.HtmxMiddleware",
    "jixiao.audit.middleware.RequestContextMiddleware",
    "jixiao.accounts.middleware.NoStoreWhenSignedInMiddleware",
    "jixiao.accounts.middleware.SessionPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jixiao.urls"
WSGI_APPLICATION = "jixiao.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "jixiao" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jixiao.ui.context.shell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
_database_url = env_str("JIXIAO_DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("JIXIAO_SQLITE_PATH", str(VAR_DIR / "jixiao.sqlite3")),
            # cache_size: up to 32 MB of pages a connection (SQLite's default is 2 MB), taken only as used, so that
            # a big import's changed pages stay in memory until its commit instead of spilling to the WAL on the
            # way (a 50,000-value INSERT: 65 → 55 ms).
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                                "PRAGMA cache_size=-32768;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Identity, sessions and lockout (SECURITY.md) -------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "jixiao.accounts.backends.CaseInsensitiveModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "jixiao.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "jixiao.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    # Django's common list plus ours (accounts/common_passwords.txt), also a list word dressed in digits/symbols.
    {"NAME": "jixiao.accounts.passwords.CommonPasswordValidator"},
    {"NAME": "jixiao.accounts.passwords.UsernameValidator"},
    {"NAME": "jixiao.accounts.passwords.KeyboardPatternValidator", "OPTIONS": {"min_rest": 4}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "jixiao.accounts.passwords.NoReuseValidator", "OPTIONS": {"history": 5}},
]
if TESTING:
    # Hashing strength is not under test; a fast hasher keeps the suite quick.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PASSWORD_MAX_AGE_DAYS = env_int("JIXIAO_PASSWORD_MAX_AGE_DAYS", 90, minimum=1)
SESSION_IDLE_SECONDS = env_int("JIXIAO_SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
SESSION_ABSOLUTE_SECONDS = env_int("JIXIAO_SESSION_ABSOLUTE_SECONDS", 12 * 3600, minimum=300)
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
REQUIRE_TOTP = env_bool("JIXIAO_REQUIRE_TOTP", True)

AXES_FAILURE_LIMIT = env_int("JIXIAO_LOCKOUT_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("JIXIAO_LOCKOUT_MINUTES", 30, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# Lock the account after 5 failures, and the address only after many more: a district office sits behind one
# NAT address, and locking it at 5 would lock out every colleague. A storm across usernames from one address
# is stopped by LOGIN_ADDRESS_FAILURES (accounts/lockout.py), counted in the same window from axes' records.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
LOGIN_ADDRESS_FAILURES = env_int("JIXIAO_LOGIN_ADDRESS_FAILURES", 30, minimum=5)
# The address axes records is the one the audit log writes: X-Real-IP only from JIXIAO_TRUSTED_PROXIES.
AXES_CLIENT_IP_CALLABLE = "jixiao.audit.middleware.client_ip"
AXES_LOCKOUT_CALLABLE = "jixiao.accounts.views.lockout_response"
AXES_USERNAME_CALLABLE = "jixiao.accounts.backends.axes_username"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "ui:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# --- Security headers -----------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
HTTPS = env_bool("JIXIAO_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Peers allowed to name the client in X-Real-IP (the reverse proxy); the header from anyone else is ignored.
TRUSTED_PROXIES = set(env_list("JIXIAO_TRUSTED_PROXIES", ["127.0.0.1", "::1"]))
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}
# The 专栏: parent sites that may show the portal's public pages (/p/) in a frame, space-separated origins such
# as https://www.example.gov.cn; every other page refuses every frame (jixiao/portal/framing.py, docs/portal.md).
PORTAL_FRAME_ANCESTORS = frame_origins(env_str("JIXIAO_PORTAL_FRAME_ANCESTORS"))

# --- Language and time ----------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "jixiao" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static_vendor", BASE_DIR / "jixiao" / "static"]
MEDIA_ROOT = Path(env_str("JIXIAO_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str(
            "JIXIAO_STATICFILES_STORAGE",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# The daily jobs (run_schedule --loop) run at this local time, and once when the runner starts.
SCHEDULE_AT = env_str("JIXIAO_SCHEDULE_AT", "01:30")
# The daily backup (jixiao/backup): one archive a day into this folder, the newest BACKUP_KEEP kept; unset: none.
BACKUP_DIR = env_str("JIXIAO_BACKUP_DIR")
BACKUP_KEEP = env_int("JIXIAO_BACKUP_KEEP", 7, minimum=1)
UPLOAD_MAX_BYTES = env_int("JIXIAO_UPLOAD_MAX_MB", 10, minimum=1) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
# Requests one API token may make a minute (jixiao/api/tokens.py), counted across every app server.
API_RATE_PER_MINUTE = env_int("JIXIAO_API_RATE_PER_MINUTE", 600, minimum=1)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Background tasks -----------------------------------------------------------------------------
# `make run` starts a `db_worker` beside the web server; tests run tasks immediately, in-process.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend"
    }
}

# --- Caches ---------------------------------------------------------------------------------------
# "portal": anonymous visitors' portal pages, local memory in each server process; a version row in the database
# names them, so a publication is seen by every process at once (jixiao/portal/cache.py, docs/portal.md).
# PORTAL_CACHE_SECONDS is the longest a page is kept (0: no caching; tests turn it on where they test it).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "portal": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "portal",
               "OPTIONS": {"MAX_ENTRIES": 1000}},  # pages of 5–60 kB: at most some 50 MB a process
}
PORTAL_CACHE_SECONDS = env_int("JIXIAO_PORTAL_CACHE_SECONDS", 0 if TESTING else 60, minimum=0)

# --- Mail (optional) ------------------------------------------------------------------------------
EMAIL_HOST = env_str("JIXIAO_SMTP_HOST")
EMAIL_PORT = env_int("JIXIAO_SMTP_PORT", 25)
EMAIL_HOST_USER = env_str("JIXIAO_SMTP_USER")
EMAIL_HOST_PASSWORD = env_str("JIXIAO_SMTP_PASSWORD")
EMAIL_USE_TLS = env_bool("JIXIAO_SMTP_TLS", False)
DEFAULT_FROM_EMAIL = env_str("JIXIAO_MAIL_FROM", "jixiao@localhost")
if not EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

DISTRICT_NAME = env_str("JIXIAO_DISTRICT_NAME", "示范区")

# --- Audit log key and anchors (docs/decisions/0004-audit-log.md) ----------------------------------
# The chain is keyed with HMAC-SM3; the key comes from the environment and never enters the database.
# After a rotation the old keys stay listed (comma-separated) so the rows signed with them still verify.
AUDIT_DEVELOPMENT_KEY = "jixiao-insecure-development-audit-key-" + "x" * 26
AUDIT_KEY = env_str("JIXIAO_AUDIT_KEY")
if not AUDIT_KEY:
    # As for SECRET_KEY: commands may start without it (`check --deploy` reports it), the web server may not.
    if DEBUG or DEMO_MODE or TESTING:
        AUDIT_KEY = AUDIT_DEVELOPMENT_KEY
    elif Path(sys.argv[0]).name != "manage.py":
        raise SettingError("JIXIAO_AUDIT_KEY must be set outside debug and demo mode")
AUDIT_KEYS_OLD = env_list("JIXIAO_AUDIT_KEYS_OLD", [])
# The daily job appends the chain's head here; keep the file, or a copy shipped away, off the database host.
# One file per database (another database's anchors would contradict this chain); tests have none unless
# they set one, as a file would outlive a test's rolled-back rows.
_anchors = f"audit-anchors-{DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}-{Path(str(DATABASES['default']['NAME'])).stem}"
AUDIT_ANCHOR_FILE = env_str("JIXIAO_AUDIT_ANCHOR_FILE", "" if TESTING else str(VAR_DIR / f"{_anchors}.jsonl"))
# The one-time re-keying migration refuses a broken unkeyed chain unless the operator accepts it here.
AUDIT_REKEY_BROKEN = env_bool("JIXIAO_AUDIT_REKEY_BROKEN", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("JIXIAO_LOG_LEVEL", "WARNING")},
}

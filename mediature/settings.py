"""Settings for Médiature, read from environment variables.

Secure by default: DEBUG is off and production secrets are required unless
DEBUG is on. With nothing set (and DEBUG=1, as `make run` does) the platform
runs on embedded parts: a SQLite file, console email and huey on SQLite.
Each production part is switched on by its variable (see README).
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from huey import RedisHuey, SqliteHuey

from mediature.sentry import init_sentry

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
TESTING = env_bool("TESTING")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-never-use-in-production-" + "x" * 20

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_SITE_NAME = "Médiature"
# No Gravatar: it would send hashes of members' emails to a third party (and the CSP blocks it anyway).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Wagtail's dashboard would ask releases.wagtail.org for new versions from a platform admin's browser: a
# request our CSP refuses (an error in the console), and upgrades are ours to plan, not the admins'.
WAGTAIL_ENABLE_UPDATE_CHECK = False

INSTALLED_APPS = [
    "authorities",
    "cases",
    "cases.audit",  # the audit log, an app of its own inside the cases package (cases/audit/__init__.py)
    "cases.referral",  # referrals of a case to another authority, an app of its own too (cases/referral/)
    "cases.insight",  # statistics, exports and reports, an app of its own too (cases/insight/)
    "cases.citizen",  # the citizen's case page without an account, an app of its own too (cases/citizen/)
    "cases.notify",  # agents told of the citizens' answers, an app of its own too (cases/notify/)
    "cases.workspace",  # the case index and its saved views, an app of its own too (cases/workspace/)
    "cases.replies",  # the main agents' reply templates, an app of its own too (cases/replies/)
    "cases.drafts",  # drafts of replies and notes kept on the server, an app of its own too (cases/drafts/)
    "pages",
    "dsfr",
    "widget_tweaks",
    "wagtail_modeladmin",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "anymail",
    "huey.contrib.djhuey",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # the cases' search: GIN operator classes, trigram lookups (cases/search/)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mediature.csp.MediatureCSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cases.audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "authorities.auth.SessionLimitsMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "authorities.auth.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mediature.urls"
WSGI_APPLICATION = "mediature.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "pages.context_processors.site_config",
            ],
        },
    },
]

# Database: SQLite for a newcomer, PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions read from Redis (no query per request), written through to the database (kept on restart).
    # Not without Redis: the local-memory cache is per process, and web workers would read stale sessions.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background jobs: huey on Redis in production, on a SQLite file otherwise.
# HUEY_IMMEDIATE runs tasks in-process (tests, or a single-process demo).
HUEY_IMMEDIATE = env_bool("HUEY_IMMEDIATE", TESTING)
if REDIS_URL:
    HUEY = RedisHuey("mediature", url=REDIS_URL, immediate=HUEY_IMMEDIATE, utc=True)
else:
    HUEY = SqliteHuey(
        "mediature",
        filename=os.environ.get("HUEY_SQLITE_PATH", str(BASE_DIR / "huey.sqlite3")),
        immediate=HUEY_IMMEDIATE,
        utc=True,
    )

# Users sign in with their email address.
AUTH_USER_MODEL = "authorities.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "authorities.passwords.StrengthValidator"},
]
LOGIN_URL = "wagtailadmin_login"

# Sign-in and sessions (authorities/auth.py): lockout per account and per IP with a cool-off,
# sessions ending after 1 hour idle and 12 hours in all, two-factor required for platform admins.
# AccountBackend is Django's ModelBackend with a richer user per request (authorities/auth.py).
AUTHENTICATION_BACKENDS = ["authorities.auth.LockoutBackend", "authorities.auth.AccountBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("LOCKOUT_ACCOUNT_LIMIT", "5"))
LOCKOUT_LIMITS = {"username": AXES_FAILURE_LIMIT, "ip_address": int(os.environ.get("LOCKOUT_IP_LIMIT", "20"))}
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOCKOUT_COOLOFF_MINUTES", "15")))
AXES_HANDLER = "authorities.auth.LockoutHandler"
AXES_USERNAME_CALLABLE = "authorities.auth.lockout_username"
AXES_LOCKOUT_CALLABLE = "authorities.auth.lockout_response"
AXES_CLIENT_IP_CALLABLE = "cases.ratelimit.client_ip"  # same proxy rule as the request form
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "token"]
SESSION_COOKIE_AGE = 12 * 3600
SESSION_IDLE_TIMEOUT = 3600
PASSWORD_RESET_TIMEOUT = 3600
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False  # replaced by authorities' password panel (same place, our email)
WAGTAIL_PASSWORD_RESET_ENABLED = True
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "authorities.forms.PasswordResetForm"  # noqa: S105 (a dotted path)
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False  # the email is the identifier; it comes from the invitation
OTP_TOTP_ISSUER = "Médiature"

# Public pages are always in French (no LocaleMiddleware: a browser asking for English must not get
# half-translated pages); English is available in the admin through each user's Wagtail preference.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "mediature.storage.ProductionStaticFilesStorage"  # WhiteNoise's, keeping django-dsfr's SRI valid
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "french"},
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "ods", "pdf", "pptx", "rtf", "txt", "xlsx"]
# Documents always go through Wagtail's view, which applies the private collections (authorities/permissions.py),
# even on a remote storage (whose default would be a redirect to the file's public address).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_I18N_ENABLED = False

# Email: console locally; Mailjet (then Brevo) through anymail when configured.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Médiature <noreply@mediature.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
INBOUND_DOMAIN = os.environ.get("INBOUND_DOMAIN", "mediature.localhost")
REPLY_ADDRESS_SECRET = os.environ.get("REPLY_ADDRESS_SECRET", SECRET_KEY)
ANYMAIL = {
    "MAILJET_API_KEY": os.environ.get("MAILJET_API_KEY", ""),
    "MAILJET_SECRET_KEY": os.environ.get("MAILJET_SECRET_KEY", ""),
    "BREVO_API_KEY": os.environ.get("BREVO_API_KEY", ""),
    "WEBHOOK_SECRET": os.environ.get("ANYMAIL_WEBHOOK_SECRET", ""),
}
# Where inbound mail arrives: "mailjet" (one parse route per case, created by a task),
# "brevo" or "mta" (a catch-all on INBOUND_DOMAIN). Emails larger than INBOUND_MAX_BYTES are refused.
INBOUND_PROVIDER = os.environ.get("INBOUND_PROVIDER", "mailjet" if ANYMAIL["MAILJET_API_KEY"] else "mta")
INBOUND_MAX_BYTES = int(os.environ.get("INBOUND_MAX_BYTES", str(25 * 1024 * 1024)))
# A closed case is anonymised this many months after its closing (cases/privacy/); an authority's
# main agent may choose a shorter period, never a longer one.
RETENTION_MONTHS = int(os.environ.get("RETENTION_MONTHS", "24"))
# Audit log entries are removed this many months after they were written (CNIL guidance for access logs).
AUDIT_RETENTION_MONTHS = int(os.environ.get("AUDIT_RETENTION_MONTHS", "12"))
if ANYMAIL["MAILJET_API_KEY"]:
    EMAIL_BACKEND = "anymail.backends.mailjet.EmailBackend"
elif ANYMAIL["BREVO_API_KEY"]:
    EMAIL_BACKEND = "anymail.backends.brevo.EmailBackend"
else:
    EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# Public request form limits.
UPLOAD_MAX_FILES = 10
UPLOAD_MAX_BYTES = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
REQUEST_RATE_LIMIT = int(os.environ.get("REQUEST_RATE_LIMIT", "5"))
REQUEST_RATE_WINDOW_SECONDS = int(os.environ.get("REQUEST_RATE_WINDOW_SECONDS", "600"))
# The citizen's case page (cases/citizen/): how long its session cookie lives without a page seen, and
# the limits of « Retrouver mon dossier » and of the letter code form (per client IP, and per case).
CITIZEN_SESSION_SECONDS = int(os.environ.get("CITIZEN_SESSION_SECONDS", "1800"))
CITIZEN_RECOVERY_LIMIT_PER_IP = int(os.environ.get("CITIZEN_RECOVERY_LIMIT_PER_IP", "5"))
CITIZEN_RECOVERY_LIMIT_PER_CASE = int(os.environ.get("CITIZEN_RECOVERY_LIMIT_PER_CASE", "3"))
CITIZEN_RECOVERY_WINDOW_SECONDS = int(os.environ.get("CITIZEN_RECOVERY_WINDOW_SECONDS", "3600"))
# Number of reverse proxies in front of the app, to read the client IP from X-Forwarded-For.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "")

# Security headers and cookies.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not (DEBUG or TESTING))
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG or TESTING else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not (DEBUG or TESTING)
CSRF_COOKIE_SECURE = not (DEBUG or TESTING)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# City suggestions from the postal code on the request form, from the national address API as the
# original did (called by the citizen's browser; empty turns them off).
CITY_LOOKUP_URL = os.environ.get("CITY_LOOKUP_URL", "https://api-adresse.data.gouv.fr/search/")
CITY_LOOKUP_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(CITY_LOOKUP_URL)) if CITY_LOOKUP_URL else None

# Public pages get a strict nonce-based policy. Wagtail's admin still relies on
# inline styles and scripts, so it gets its own, looser policy (see mediature/csp.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF, *filter(None, [CITY_LOOKUP_ORIGIN])],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

init_sentry(os.environ.get("SENTRY_DSN", ""), environment=os.environ.get("SENTRY_ENVIRONMENT", "production"))

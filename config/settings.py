"""Settings, every deployment-specific value read from the environment.

The defaults are safe for the demo: an SQLite file, DEBUG off unless asked,
Celery eager only when CELERY_TASK_ALWAYS_EAGER=1.
"""

import ipaddress
import re
from datetime import date, timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_HASHES
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.sentry import sentry_init
from portal.client_ip import TrustedProxies

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
# Management commands (migrations, checks) run without a key; serving does not:
# config/wsgi.py refuses to start with the development key when DEBUG is off.
SECRET_KEY_IS_DEVELOPMENT_KEY = not SECRET_KEY
if SECRET_KEY_IS_DEVELOPMENT_KEY:
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The reverse proxies in front of the portal (a number of hops, or their networks); none by
# default, and then forwarded headers are ignored. TRUSTED_PROXIES and the settings that follow
# from it (the HTTPS header) come from portal.client_ip, which the throttles, django-axes, the
# audit log and gunicorn (config/gunicorn.conf.py) ask too.
vars().update(TrustedProxies.parse(env.str("TRUSTED_PROXIES", default="")).django_settings())

INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",  # django.contrib.admin, its site behind the second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "import_export",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "django_prometheus",
    "portal",
    "scenarios",
    "indicators",
    "evaluation",
    "review",
    "reports",
]

MIDDLEWARE = [
    "portal.request_context.RequestContextMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "portal.middleware.UntrustedForwardedProtoMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.middleware.SecondFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'demo.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # an unreachable server fails a request within seconds (a 503), not after minutes
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
if env.bool("USE_REDIS_CACHE", default=not DATABASES["default"]["ENGINE"].endswith("sqlite3")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="portal"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: lock a username+IP pair after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_CLIENT_IP_CALLABLE = "portal.client_ip.client_ip"

# The second factor (portal.two_factor): TOTP authenticators and recovery codes. After n wrong
# codes in a row, no code is tried for factor * 2^(n-1) seconds (per account, like axes).
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="智改数转网联自评估")
OTP_TOTP_THROTTLE_FACTOR = OTP_STATIC_THROTTLE_FACTOR = env.float("OTP_THROTTLE_FACTOR", default=1)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
FRONTEND_MODULES = BASE_DIR / "frontend" / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "portal" / "static",
    ("vendor/bootstrap", FRONTEND_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", FRONTEND_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", FRONTEND_MODULES / "htmx.org" / "dist"),
]
# Evidence files: never under MEDIA_ROOT or served directly, only through a view
# that checks the user's right to see them.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private")
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)
# A site visit's photo (JPG or PNG): large enough for an 8-megapixel photo at full quality.
SITE_VISIT_PHOTO_MAX_BYTES = env.int("SITE_VISIT_PHOTO_MAX_BYTES", default=15 * 1024 * 1024)
# How long the e-mail verification link of an enterprise's self-registration stays valid.
REGISTRATION_LINK_MAX_AGE = env.int("REGISTRATION_LINK_MAX_AGE", default=2 * 24 * 3600)


def _iso_dates(name: str) -> frozenset:
    try:
        return frozenset(date.fromisoformat(d.strip()) for d in env.list(name, default=[]))
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must list ISO dates (2026-10-01,…): {error}") from None


# The 公示 period of a published list: PUBLICITY_WORKING_DAYS working days by default (Monday
# to Friday, less the public holidays listed, plus the weekend days worked in their place), and
# the contact the public list names by default; the province edits both when publishing.
PUBLICITY_WORKING_DAYS = env.int("PUBLICITY_WORKING_DAYS", default=5)
if PUBLICITY_WORKING_DAYS < 1:
    raise ImproperlyConfigured("PUBLICITY_WORKING_DAYS must be at least 1.")
PUBLICITY_HOLIDAYS = _iso_dates("PUBLICITY_HOLIDAYS")
PUBLICITY_MAKEUP_WORKDAYS = _iso_dates("PUBLICITY_MAKEUP_WORKDAYS")
PUBLICITY_CONTACT_DEPARTMENT = env.str(
    "PUBLICITY_CONTACT_DEPARTMENT", default="江苏省工业和信息化厅"
)
PUBLICITY_CONTACT_PHONE = env.str("PUBLICITY_CONTACT_PHONE", default="")
PUBLICITY_CONTACT_EMAIL = env.str("PUBLICITY_CONTACT_EMAIL", default="")
# A report request still queued after this many seconds is queued again (a lost message).
REPORT_STALE_AFTER = env.int("REPORT_STALE_AFTER", default=300)
# Exports: a table of more rows than this is built by a worker (a link to download when ready),
# as is always the enterprise's full data; the files are removed this many hours after they
# were asked for, and a job no worker picked up in EXPORT_STALE_AFTER seconds is queued again.
EXPORT_INLINE_MAX_ROWS = env.int("EXPORT_INLINE_MAX_ROWS", default=5000)
EXPORT_RETENTION_HOURS = env.int("EXPORT_RETENTION_HOURS", default=24)
EXPORT_STALE_AFTER = env.int("EXPORT_STALE_AFTER", default=300)
# seconds a colleague stays shown as editing an assessment after their last save or page view
PRESENCE_SECONDS = env.int("PRESENCE_SECONDS", default=120)
# Plausibility flags for reviewers (evaluation/plausibility.py): an indicator beyond this many
# interquartile ranges outside its group's quartiles; a change from the base year beyond this
# factor; sales revenue above this multiple of the gross output value.
PLAUSIBILITY_IQR_MULTIPLE = env.float("PLAUSIBILITY_IQR_MULTIPLE", default=3.0)
PLAUSIBILITY_CHANGE_FACTOR = env.float("PLAUSIBILITY_CHANGE_FACTOR", default=10.0)
PLAUSIBILITY_SALES_OUTPUT_RATIO = env.float("PLAUSIBILITY_SALES_OUTPUT_RATIO", default=2.0)
# The editor's answer cards are cached per published catalog version; off only for the deadline
# benchmark's "before" measurement (bench/deadline.py), never in production.
EDITOR_CARD_CACHE = env.bool("EDITOR_CARD_CACHE", default=True)
# Private files (evidence, reports, objection letters, site-visit photos, exports) in an S3 bucket
# when one is named (MinIO or a cloud's object storage; several web nodes then share them),
# else under PRIVATE_MEDIA_ROOT. Objects are written private and have no URL: the checking
# views stream them (evaluation/s3_storage.py).
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    PRIVATE_STORAGE = {
        "BACKEND": "evaluation.s3_storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            # empty: the cloud's own endpoint for the region
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            # empty: boto3's own lookup (AWS_ACCESS_KEY_ID, an instance role, …)
            "access_key": env.str("AWS_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_S3_SECRET_ACCESS_KEY", default="") or None,
            # MinIO and most S3-compatible servers want path-style addressing
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="path") or None,
            "location": env.str("AWS_LOCATION", default=""),
            "verify": env.bool("AWS_S3_VERIFY", default=True),
        },
    }
else:
    PRIVATE_STORAGE = {"BACKEND": "evaluation.storage.PrivateStorage"}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": PRIVATE_STORAGE,
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Where links in notification emails point (the portal's public address).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="智改数转网联 <noreply@portal.local>")

# Secure headers. HTTPS-only settings follow SECURE_SSL (on behind TLS).
SECURE_SSL = env.bool("SECURE_SSL", default=False)
SECURE_SSL_REDIRECT = SECURE_SSL
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_HSTS_SECONDS = 31536000 if SECURE_SSL else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL
# container health checks ask over plain HTTP from inside
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics/$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
# Content-Security-Policy on every response: scripts and styles only from the portal's own
# files (no inline script, handler, <style> or style attribute, no eval), nothing framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Added on the admin site only: django-simple-history's history page (a template not ours)
# writes style="border-top: 0"; that one attribute is allowed by its hash.
CONTENT_SECURITY_POLICY_ADMIN = {
    "style-src": [UNSAFE_HASHES, "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"]
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous API call gets 401 with WWW-Authenticate: Token.
        "portal.authentication.ApiTokenAuthentication",
        # a session that owes its second factor is refused
        "portal.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "portal.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    # counted per client as TRUSTED_PROXIES resolves it; DRF's own reading of
    # X-Forwarded-For (NUM_PROXIES) would take whatever the client sent
    "DEFAULT_THROTTLE_CLASSES": [
        "portal.throttling.AnonRateThrottle",
        "portal.throttling.UserRateThrottle",
        "portal.throttling.ScopedRateThrottle",
    ],
    "NUM_PROXIES": 0,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="120/minute"),
        "user": env.str("THROTTLE_USER", default="6000/minute"),
        "auth": env.str("THROTTLE_AUTH", default="10/minute"),
        "compute": env.str("THROTTLE_COMPUTE", default="1200/minute"),
        "password_reset": env.str("THROTTLE_PASSWORD_RESET", default="10/hour"),
        "password_reset_email": env.str("THROTTLE_PASSWORD_RESET_EMAIL", default="5/hour"),
        "objection": env.str("THROTTLE_OBJECTION", default="10/hour"),
        "registration": env.str("THROTTLE_REGISTRATION", default="10/hour"),
        "registration_email": env.str("THROTTLE_REGISTRATION_EMAIL", default="3/hour"),
    },
    "EXCEPTION_HANDLER": "portal.api_errors.exception_handler",
}
# API tokens (django-rest-knox): only a hash is stored; each expires API_TOKEN_TTL_DAYS after it
# is issued (not prolonged by use); a user holds at most TOKEN_LIMIT_PER_USER, one per name.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=90)
if API_TOKEN_TTL_DAYS < 1:
    raise ImproperlyConfigured("API_TOKEN_TTL_DAYS must be at least 1: every API token expires.")
KNOX_TOKEN_MODEL = "portal.ApiToken"
# knox's own migrations would still create its replaced table, unused but referencing the users
# (and in the way of flushing the database): they are not run.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    "TOKEN_TTL": timedelta(days=API_TOKEN_TTL_DAYS),
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": 20,
    "AUTH_HEADER_PREFIX": "Token",  # the header scripts have always sent: Authorization: Token …
}
SPECTACULAR_SETTINGS = {
    "TITLE": "智改数转网联 Self-Assessment Portal API",
    "DESCRIPTION": "Catalog, self-assessment, indicators and review workflow of Jiangsu's "
    "manufacturing 智改数转网联 demonstration programme.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from the installed sidecar package: the portal works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"TierEnum": "scenarios.models.Tier"},
}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# A broker that is down must not hold a request: a short connect timeout and few publish
# retries; what could not be queued is found by the sweeps below.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = CELERY_BROKER_CONNECTION_TIMEOUT
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": env.int("CELERY_PUBLISH_MAX_RETRIES", default=2),
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": CELERY_TASK_PUBLISH_RETRY_POLICY}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    # A task whose worker died unacknowledged is delivered again after this many seconds:
    # keep it longer than the longest task, or a slow one would run twice.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}
# The sweeps find what was never queued (the broker was down) or was lost on the way.
SWEEP_INTERVAL = env.int("SWEEP_INTERVAL", default=60)
SWEEP_BATCH_SIZE = env.int("SWEEP_BATCH_SIZE", default=200)
EVALUATION_STALE_AFTER = env.int("EVALUATION_STALE_AFTER", default=120)
# Later than the email task's own retries (about 10 minutes); older news is not sent at all.
NOTIFICATION_EMAIL_RETRY_AFTER = env.int("NOTIFICATION_EMAIL_RETRY_AFTER", default=900)
NOTIFICATION_EMAIL_GIVE_UP_AFTER = env.int("NOTIFICATION_EMAIL_GIVE_UP_AFTER", default=86400)
# Deadline reminders: a run sends what is due today that was not sent yet, so an hourly run
# reminds on the right day even after a restart.
DEADLINE_REMINDER_INTERVAL = env.int("DEADLINE_REMINDER_INTERVAL", default=3600)
# Days before a recognition's end on which its enterprise is reminded.
VALIDITY_REMINDER_DAYS = env.str("VALIDITY_REMINDER_DAYS", default="90,30")
if not re.fullmatch(r"\s*(\d+\s*(,\s*\d+\s*)*)?", VALIDITY_REMINDER_DAYS):
    raise ImproperlyConfigured("VALIDITY_REMINDER_DAYS: whole numbers of days, e.g. 90,30")
CELERY_BEAT_SCHEDULE = {
    name: {"task": task, "schedule": interval, "options": {"expires": interval}}
    for name, task, interval in [
        ("sweep-evaluations", "evaluation.tasks.sweep_evaluations", SWEEP_INTERVAL),
        ("sweep-reports", "reports.tasks.sweep_reports", SWEEP_INTERVAL),
        ("sweep-exports", "reports.tasks.sweep_exports", SWEEP_INTERVAL),
        ("sweep-notification-emails", "portal.tasks.sweep_notification_emails", SWEEP_INTERVAL),
        ("sweep-objection-emails", "review.tasks.sweep_objection_emails", SWEEP_INTERVAL),
        ("deadline-reminders", "review.tasks.send_deadline_reminders", DEADLINE_REMINDER_INTERVAL),
    ]
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# Logs: one JSON object a line (LOG_FORMAT=json, the default unless DEBUG) or plain text (the
# demo), each line with the request id, user and tenant, or the Celery task
# (portal.request_context). The worker logs the same way rather than with Celery's own format.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "portal.request_context.LogContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s "
            "%(enterprise_id)s %(city)s %(task_id)s %(task_name)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # ISO 8601, UTC
        },
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s%(task_id)s] %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},  # a line per rendering step
    },
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Errors to Sentry when SENTRY_DSN is set (config/sentry.py); nothing is sent otherwise.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENABLED = sentry_init(
    SENTRY_DSN,
    environment=env.str("SENTRY_ENVIRONMENT", default="production"),
    release=env.str("SENTRY_RELEASE", default=""),
    traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
)

# Prometheus metrics (django-prometheus, and the Celery queues' lengths) at /metrics/, for a
# scraper that sends "Authorization: Bearer <METRICS_TOKEN>" or connects from one of
# METRICS_ALLOWED_IPS (networks, the client as TRUSTED_PROXIES resolves it); refused otherwise.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
try:
    METRICS_ALLOWED_IPS = tuple(
        ipaddress.ip_network(n.strip()) for n in env.list("METRICS_ALLOWED_IPS", default=[])
    )
except ValueError as error:
    raise ImproperlyConfigured(
        f"METRICS_ALLOWED_IPS: IP networks, e.g. 10.0.0.0/8: {error}"
    ) from None

# Gunicorn (config/gunicorn.conf.py): worker processes per web node, seconds after which a
# silent worker is restarted, and requests after which a worker is replaced (memory held by
# a long-lived process is given back; the jitter keeps the workers from restarting together).
GUNICORN_WORKERS = env.int("GUNICORN_WORKERS", default=3)
GUNICORN_TIMEOUT = env.int("GUNICORN_TIMEOUT", default=60)
GUNICORN_MAX_REQUESTS = env.int("GUNICORN_MAX_REQUESTS", default=1000)
GUNICORN_MAX_REQUESTS_JITTER = env.int("GUNICORN_MAX_REQUESTS_JITTER", default=100)

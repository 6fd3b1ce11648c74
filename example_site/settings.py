"""Settings of the example site: a small office website that runs wagtail-ocena.

Environment: DATABASE_URL (default: SQLite file example_site/db.sqlite3),
DJANGO_DEBUG (default on), DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent

DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # A known key would let anyone sign form tokens and sessions.
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY: DEBUG is off.")
    SECRET_KEY = "example-site-development-only"
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "example_site.home",
    "wagtail_ocena",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtail_modeladmin",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A survey or admin form sent while the database is out of reach: 503, form kept.
    "wagtail_ocena.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "wagtail_ocena.middleware.UndecodableFormMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "example_site.security.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "example_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "example_site.wsgi.application"

# Admin logins are throttled by django-axes: five wrong passwords for one user name from one
# address lock that pair for an hour (a wrong guess elsewhere does not lock the clerk out).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"

# No inline script or style on the public pages; the admin's own policy is in security.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Many residents at once on one SQLite file: readers never wait for the writer (WAL),
    # a writer waits its turn for up to 20 s instead of failing, and every transaction
    # takes the write lock when it starts, so none fails half-way upgrading to it.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }

# Rate limits and used form tokens live here; production with several app
# processes needs a shared cache (Redis, Memcached or the database cache).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", "Polski"), ("en", "English")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
# Archived reports: private, outside MEDIA_ROOT; only the admin's archive view sends them.
WAGTAIL_OCENA_REPORTS_ROOT = BASE_DIR / "private" / "reports"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Production stack (scripts/serve-production, docs/deployment.md) -------------------
# REDIS_URL: the shared cache of all app processes (form tokens, rate limits, Wagtail).
# DJANGO_TASKS_BACKEND=database: report files made by `manage.py db_worker` (django-tasks-db)
# instead of in the request. Both need the "production" extra (pip install -e ".[production]").
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
if os.environ.get("DJANGO_TASKS_BACKEND") == "database":
    INSTALLED_APPS += ["django_tasks_db"]
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# --- End of the production stack ------------------------------------------------------

WAGTAIL_SITE_NAME = "Urząd Miejski w Koronowie"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# The admin asks no outside server: no avatars from Gravatar (they would send the clerks'
# e-mail hashes out), no check for new Wagtail releases.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# wagtail-ocena: survey pages extend the site's own base template, and a form posted
# without its CSRF token gets a readable page instead of Django's bare 403.
WAGTAIL_OCENA_BASE_TEMPLATE = "base.html"
CSRF_FAILURE_VIEW = "wagtail_ocena.views.csrf_failure"

# Errors with their tracebacks go to stderr (the service's journal), with DEBUG off too:
# Django's own default would only mail them to ADMINS.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "django": {"handlers": ["stderr"], "level": "ERROR"},
        "django.security": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "wagtail_ocena": {"handlers": ["stderr"], "level": "INFO"},
    },
}

# Production behind HTTPS (DEBUG off): secure cookies, HSTS, redirect to https. The proxy in
# front of Django says which scheme the client used. DJANGO_HTTPS=0 turns this off for a
# production-like run on plain http://127.0.0.1 (make serve).
if not DEBUG and os.environ.get("DJANGO_HTTPS", "1") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

"""Settings of the example host site (a stand-in for NyArbetsmiljo.se).

SQLite by default; DATABASE_URL=postgres://... selects PostgreSQL. A development site by default;
the environment makes it a production one (docs/operators/production.md):
DJANGO_DEBUG=0 with DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS, DJANGO_HTTPS=1 when it is served
over HTTPS, DJANGO_SECURE_PROXY_SSL_HEADER=1 behind a proxy that ends TLS, DJANGO_ADMINS,
SOCHEF_SITE_NAME, SOCHEF_SITE_HOSTNAME and SOCHEF_SITE_PORT, WAGTAILADMIN_BASE_URL.
"""

import os
from pathlib import Path

import dj_database_url
import django
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env_list(name, default=""):
    """A comma-separated environment variable as a list, blanks left out."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
if DEBUG:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "example-site-only-not-secret")
elif os.environ.get("DJANGO_SECRET_KEY"):
    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
else:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is not 1")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

HTTPS = os.environ.get("DJANGO_HTTPS") == "1"

# The default Wagtail Site's name and address, set on it at every `migrate` (home/apps.py):
# every absolute link (feeds, iCal, meta tags, the sitemap, e-mails) is built from them. By
# default where `./run demo` serves the site; in production the first of DJANGO_ALLOWED_HOSTS.
SITE_NAME = os.environ.get("SOCHEF_SITE_NAME", "NyArbetsmiljö")
SITE_HOSTNAME = os.environ.get("SOCHEF_SITE_HOSTNAME", "127.0.0.1" if DEBUG else ALLOWED_HOSTS[0])
try:
    SITE_PORT = int(os.environ.get("SOCHEF_SITE_PORT", 8000 if DEBUG else 443 if HTTPS else 80))
except ValueError:
    raise ImproperlyConfigured("SOCHEF_SITE_PORT must be a port number, e.g. 443") from None
SITE_ROOT_URL = {80: f"http://{SITE_HOSTNAME}", 443: f"https://{SITE_HOSTNAME}"}.get(
    SITE_PORT, f"http://{SITE_HOSTNAME}:{SITE_PORT}"
)

# Served over HTTPS: cookies only over HTTPS, plain HTTP redirected, HSTS (one hour unless
# DJANGO_HSTS_SECONDS says more; raise it once HTTPS works everywhere on the host).
if HTTPS:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "3600"))
# Only behind a proxy that ends TLS and sets X-Forwarded-Proto itself, whatever the client sent.
if os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "example_site.home",
    "example_site.blog",
    # sochef_wagtail and what it needs, as the README (and docs/site/install.md) tells host sites:
    "sochef_wagtail",
    "django_q",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    # A standard Wagtail site:
    "wagtail.contrib.forms",
    "wagtail.contrib.sitemaps",
    "django.contrib.sitemaps",
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
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "example_site.csp_middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # sochef_wagtail: a week refused by the one-guest-per-account rule becomes an admin message.
    "sochef_wagtail.middleware.AccountBookedMiddleware",
    # sochef_wagtail: repeated anonymous visits of its pages answered from the cache (last).
    "sochef_wagtail.caching.responses.ResponseCacheMiddleware",
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

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Wagtail's search index table needs it on PostgreSQL (postgres.E005 otherwise).
    INSTALLED_APPS.append("django.contrib.postgres")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = []

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "static_collected"
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"

WAGTAIL_SITE_NAME = "NyArbetsmiljö (exempel)"
# The admin's address in e-mails to editors (nomination notifications, handovers).
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", SITE_ROOT_URL)
# Wagtail's database backend, given only queries it can answer (docs/site/search.md).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "sochef_wagtail.search_backend"}}
# The admin asks no third party: no Gravatar pictures (the editors' hashed e-mail addresses),
# no check for new Wagtail releases (releases.wagtail.org); both outside the CSP too.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# django-q2 with its database broker: nothing to install beside the site.
Q_CLUSTER = {
    "name": "sochef",
    "orm": "default",
    "workers": 2,
    "timeout": 300,
    "retry": 360,
    "catch_up": False,
}

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Errors with their traceback on stderr, whatever DEBUG: Django's (requests, security) and the
# app's; also mailed to DJANGO_ADMINS ("ops@example.com,…") when DEBUG is off. Other loggers
# keep Python's and django-q2's defaults.
ADMINS = env_list("DJANGO_ADMINS")
if django.VERSION < (6, 0):
    ADMINS = [(address, address) for address in ADMINS]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain"},
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
        },
    },
    "loggers": {
        name: {
            "handlers": ["stderr", "mail_admins"],
            "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
        }
        for name in ("django", "sochef_wagtail")
    },
}

# Content Security Policy (django-csp): scripts, styles, fonts, images and frames from this site
# only; no inline script or style, no plugin, no form posted elsewhere, no framing by others.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}

# The public forms' rate-limit counters in a cache of their own, which the page caches cannot
# fill up. Per process by default (one runserver); several processes share Redis when
# DJANGO_REDIS_URL names one ("redis://127.0.0.1:6379/0").
if os.environ.get("DJANGO_REDIS_URL"):
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["DJANGO_REDIS_URL"],
            "KEY_PREFIX": alias,
        }
        for alias in ("default", "sochef_ratelimit")
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "sochef_ratelimit": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "sochef_ratelimit",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        },
    }

# The development site is the demo's (./run demo): its nominations and survey answers are dated
# 2012–14, and the daily purge would delete or anonymise them all. A production site keeps the
# app's retention period (docs/editors/nominations.md).
if DEBUG:
    SOCHEF_RETENTION_DAYS = None

# The blog category that SOchef's feeds and landing page read (the default adapter, which
# reads BlogPage's date, author, summary, image and categories fields).
SOCHEF_BLOG = {"post_model": "blog.BlogPage", "category": "SOchef"}

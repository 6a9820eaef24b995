"""Settings of the benchmark: the example site as it would run in production, on PostgreSQL.

DATABASE_URL names the benchmark's own database (``./run bench`` creates it afresh).
"""

import os
import tempfile

from example_site.settings import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "benchmarks.urls"
MEDIA_ROOT = os.environ.get("SOCHEF_BENCH_MEDIA_ROOT") or tempfile.mkdtemp(prefix="sochef-bench-")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Each gunicorn process keeps its database connections, as a production site would.
DATABASES["default"]["CONN_MAX_AGE"] = 600  # noqa: F405
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
# SOCHEF_BENCH_CACHES=off serves every page without SOchef's caches (tweets and pages: the cold
# case).
if os.environ.get("SOCHEF_BENCH_CACHES") == "off":
    SOCHEF_CACHE_TIMEOUT = 0
# SOCHEF_BENCH_SEARCH_BACKEND=wagtail searches with Wagtail's own database backend (its index
# table) instead of the app's, for the search benchmark's comparison.
if os.environ.get("SOCHEF_BENCH_SEARCH_BACKEND") == "wagtail":
    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

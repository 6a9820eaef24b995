"""Settings of django-ditto's own small project, for the import benchmark's peer.

Runs in django-ditto's virtualenv (benchmarks/.venvs/django-ditto), which has neither SOchef
nor dj-database-url: the benchmark passes the database as SOCHEF_BENCH_DITTO_DB, a SQLite path
or ``postgres://user@host:port/name``, and MEDIA_ROOT as SOCHEF_BENCH_DITTO_MEDIA.
"""

import os
from urllib.parse import urlsplit

SECRET_KEY = "benchmark-only"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "sortedm2m",
    "taggit",
    "imagekit",
    "ditto.core",
    "ditto.twitter",
]
MEDIA_ROOT = os.environ["SOCHEF_BENCH_DITTO_MEDIA"]

_database = os.environ["SOCHEF_BENCH_DITTO_DB"]
if _database.startswith(("postgres://", "postgresql://")):
    _url = urlsplit(_database)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": _url.path.lstrip("/"),
            "USER": _url.username or "",
            "PASSWORD": _url.password or "",
            "HOST": _url.hostname or "",
            "PORT": _url.port or "",
        }
    }
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": _database}}

"""The example site's settings, made fast and self-contained for the test suite."""

import os
import tempfile

from example_site.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="sochef-test-media-")
Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Blogs of other shapes (puput-style categories, taggit tags) for the blog adapters' tests.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]  # noqa: F405

# The app's retention period, not the development site's "never" (tested in tests/test_demo.py).
globals().pop("SOCHEF_RETENTION_DAYS", None)

# Several checkouts on one machine share its PostgreSQL: each may name its own test database.
# (SQLite's test database is in memory and needs no name.)
if os.environ.get("SOCHEF_TEST_DB_NAME") and "postgresql" in DATABASES["default"]["ENGINE"]:  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": os.environ["SOCHEF_TEST_DB_NAME"]}  # noqa: F405

# The default Site as the migrations make it (tests/factories.py makes it again after a flush):
# the example site's own address is tested in tests/test_sitemap.py.
SITE_NAME, SITE_HOSTNAME, SITE_PORT = "", "localhost", 80

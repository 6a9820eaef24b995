"""Settings of the site's other processes in the scale-out and fault tests.

Several q clusters with django-q2's Redis broker, Django's Redis cache and the PostgreSQL test
database (``DATABASE_URL``), as docs/operators/scaling.md describes. Files go to
``SOCHEF_TEST_MEDIA_ROOT`` so that the test can look at them. The Redis database is
``SOCHEF_TEST_REDIS_URL`` (7 by default), which the tests flush: use it for nothing else.
"""

import os

from tests.settings import *  # noqa: F403

REDIS_URL = os.environ.get("SOCHEF_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")

Q_CLUSTER = {
    "name": "sochef-test",
    "redis": REDIS_URL,
    "workers": 2,
    "timeout": 60,
    "retry": 90,
    "catch_up": False,
    "log_level": "INFO",
}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
}
CONN_HEALTH_CHECKS = True
MEDIA_ROOT = os.environ.get("SOCHEF_TEST_MEDIA_ROOT", MEDIA_ROOT)  # noqa: F405
SOCHEF_X_BEARER_TOKEN = "test-token"
SOCHEF_FETCH_BACKOFF_SECONDS = 0

# A test that counts the clusters' e-mails names a directory for them (a file per connection),
# and has them sent at any hour.
if os.environ.get("SOCHEF_TEST_MAIL_DIR"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["SOCHEF_TEST_MAIL_DIR"]
    SOCHEF_PIPELINE_SEND_FROM_HOUR = 0

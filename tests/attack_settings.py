"""Settings of the real server the attack tests drive (tests/test_attack_nominations.py).

The load test's settings with the documented rate limit (5 per hour). The counters are in Redis
(``SOCHEF_TEST_REDIS_URL``), shared by the server's processes, unless
``SOCHEF_TEST_LOCAL_RATE_LIMIT`` is set: then in the example site's per-process cache.
"""

import os

from tests.load_settings import *  # noqa: F403

SOCHEF_FORM_RATE_LIMIT = 5
if not os.environ.get("SOCHEF_TEST_LOCAL_RATE_LIMIT"):
    CACHES = {
        **CACHES,  # noqa: F405
        "sochef_ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ.get("SOCHEF_TEST_REDIS_URL", "redis://127.0.0.1:6379/7"),
        },
    }

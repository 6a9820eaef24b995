"""Settings of the real server started by the nomination load test (see test_nomination_load.py).

DATABASE_URL names the test database; tasks go to django-q2's database queue as in production.
"""

from tests.settings import *  # noqa: F403

SOCHEF_FORM_RATE_LIMIT = 1_000  # every request of the test comes from 127.0.0.1
Q_CLUSTER = {**Q_CLUSTER, "sync": False}  # noqa: F405
CONN_MAX_AGE = 0
for database in DATABASES.values():  # noqa: F405
    database["CONN_MAX_AGE"] = 0
DEBUG = False
Q_CLUSTER["log_level"] = "WARNING"  # noqa: F405

"""The example site for gunicorn, except that the worker dies (``os._exit``) at the moment a
committed nomination's notification is queued: the crash that test_attack_nominations.py
recovers from."""

import os

from example_site.wsgi import application  # noqa: F401
from sochef_wagtail.nominations import models


def die(*args, **kwargs):
    os._exit(1)


models.async_task = die

"""Days and weeks in the app's time zone (SOCHEF_TIME_ZONE), never the server's.

The one module that builds the zone: every other module asks it for days, weeks and midnights.
"""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from .conf import app_settings

WEEK = datetime.timedelta(weeks=1)


def app_time_zone():
    """The zone the relay's days and weeks are counted in."""
    return ZoneInfo(app_settings.TIME_ZONE)


def local_date(moment):
    """The day an aware datetime falls on in the app's time zone."""
    return timezone.localtime(moment, app_time_zone()).date()


def start_of_day(day):
    """Midnight of ``day`` in the app's time zone."""
    return datetime.datetime.combine(day, datetime.time(), tzinfo=app_time_zone())


def week_start_of(day):
    """The Monday of ``day``'s week."""
    return day - datetime.timedelta(days=day.weekday())


def current_week_start():
    """Monday of the current week in the app's time zone."""
    return week_start_of(local_date(timezone.now()))

"""The pipeline's django-q2 schedules, created after each migrate: one sends the reminders that
are due, the other announces the weeks that have begun. Each run does what is due and not done;
running twice, or in two q clusters at once, does each thing once (sending.py)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from ..conf import app_settings
from ..dates import app_time_zone
from ..weeks.pages import GuestWeekPage
from .models import NoticeKind
from .sending import SENT, perform_logged, week_items

REMINDER_SCHEDULE_NAME = "sochef_guest_reminders"
ANNOUNCEMENT_SCHEDULE_NAME = "sochef_week_announcements"


def live_weeks(**filters):
    """Live weeks matching ``filters``, one per week: an alias and a translation (the same
    week in another locale) are the week itself, whose first page alone is announced."""
    weeks = GuestWeekPage.objects.live().filter(alias_of__isnull=True, **filters)
    first = {}
    for week in weeks.order_by("week_start", "pk"):
        first.setdefault(week.translation_key, week)
    return list(first.values())


def run(weeks, kinds, now):
    """Do every item of ``kinds`` of ``weeks`` not done yet; returns a summary line."""
    moment = timezone.localtime(now or timezone.now(), app_time_zone())
    if moment.hour < app_settings.PIPELINE_SEND_FROM_HOUR:
        return _("Nothing is sent before %(hour)s:00.") % {
            "hour": app_settings.PIPELINE_SEND_FROM_HOUR
        }
    outcomes = []
    for week in weeks(moment.date()):
        for item in week_items(week, kinds):
            if not item.sent:
                outcomes.append(perform_logged(item))
    done = outcomes.count(SENT)
    return _("%(done)s done, %(not_done)s not (see the weeks in the admin).") % {
        "done": done,
        "not_done": len(outcomes) - done,
    }


def send_due_reminders(now=None):
    """Remind the guests of the weeks that begin within REMINDER_DAYS_BEFORE days."""

    def weeks(today):
        days = datetime.timedelta(days=app_settings.REMINDER_DAYS_BEFORE)
        return live_weeks(week_start__gt=today, week_start__lte=today + days)

    return run(weeks, (NoticeKind.REMINDER,), now)


def announce_started_weeks(now=None):
    """Announce the weeks under way: the draft blog post, and the editors' e-mail."""

    def weeks(today):
        return live_weeks(week_start__lte=today, week_start__gt=today - datetime.timedelta(days=7))

    return run(weeks, (NoticeKind.POST, NoticeKind.EDITORS), now)


def ensure_pipeline_schedules(**kwargs):
    """Create or update the pipeline's two django-q2 schedules (after each migrate)."""
    from django_q.models import Schedule

    for name, func in (
        (REMINDER_SCHEDULE_NAME, send_due_reminders),
        (ANNOUNCEMENT_SCHEDULE_NAME, announce_started_weeks),
    ):
        Schedule.objects.update_or_create(
            name=name,
            defaults={
                "func": f"{__name__}.{func.__name__}",
                "schedule_type": Schedule.MINUTES,
                "minutes": app_settings.PIPELINE_INTERVAL_MINUTES,
                "repeats": -1,
            },
        )

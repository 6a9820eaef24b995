"""Retention: public submissions are purged RETENTION_DAYS after they were sent, daily
(RETENTION_DAYS None: never)."""

import datetime

from django.apps import apps
from django.utils import timezone

from ..conf import app_settings
from .models import PublicSubmission

PURGE_SCHEDULE_NAME = "sochef_purge_nominations"


def retention_cutoff(now=None, days=None):
    """The moment before which submissions are past the retention period; None when
    RETENTION_DAYS is None and no ``days`` are given (nothing is past it)."""
    days = app_settings.RETENTION_DAYS if days is None else days
    if days is None:
        return None
    return (now or timezone.now()) - datetime.timedelta(days=days)


def purge_expired(now=None, days=None):
    """Purge every kind of public submission older than the retention period.

    Returns {model label: (deleted, anonymised)}; {} when nothing is ever past it.
    """
    cutoff = retention_cutoff(now, days)
    if cutoff is None:
        return {}
    return {
        model._meta.label: model.purge(cutoff)
        for model in apps.get_models()
        if issubclass(model, PublicSubmission)
    }


def ensure_purge_schedule(**kwargs):
    """Create the daily django-q2 schedule that runs the purge (after each migrate)."""
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name=PURGE_SCHEDULE_NAME,
        defaults={
            "func": "sochef_wagtail.public_forms.retention.purge_expired",
            "schedule_type": Schedule.DAILY,
        },
    )

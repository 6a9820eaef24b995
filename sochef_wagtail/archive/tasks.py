"""django-q2 tasks of the archive: they call the same functions as the management commands."""

import datetime
import logging
import time

from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.models import Schedule
from wagtail.search.backends import get_search_backends

from ..conf import app_settings
from .fetch import FetchError, FetchStopped, bearer_token, fetch_tweets
from .formats import ArchiveError
from .importer import import_archive
from .models import ArchiveImport, ArchiveImportStatus, Tweet
from .store import batched

logger = logging.getLogger(__name__)

# Seconds between two progress writes of a running import.
PROGRESS_INTERVAL = 1.0
# Tweets indexed for Wagtail search at once: each call of the database backend scans its whole
# index once, so fewer, larger calls are much faster.
INDEX_BATCH_SIZE = 5000


def run_archive_import(import_id):
    """Import the archive uploaded as ``ArchiveImport`` ``import_id``, then delete the upload."""
    # Claim the job, so that a task the broker delivers twice does not run twice.
    claimed = ArchiveImport.objects.filter(pk=import_id, status=ArchiveImportStatus.QUEUED).update(
        status=ArchiveImportStatus.RUNNING
    )
    if not claimed:
        return ""
    job = ArchiveImport.objects.get(pk=import_id)
    try:
        with job.archive.open("rb") as archive:
            result = import_archive(archive, handle=job.handle, progress=_ProgressWriter(job))
    except ArchiveError as error:
        job.status, job.error = ArchiveImportStatus.FAILED, str(error)
    except Exception as error:
        logger.exception("Archive import %s failed", job.pk)
        job.status = ArchiveImportStatus.FAILED
        job.error = _("The import stopped on an unexpected error (%(error)s).") % {
            "error": type(error).__name__
        }
    else:
        job.status, job.summary = ArchiveImportStatus.DONE, result.summary
    finally:
        job.archive.delete(save=False)
        job.finished_at = timezone.now()
        job.save()
    return job.summary or job.error


def index_tweets(pk_ranges):
    """Index the tweets whose primary keys lie in ``pk_ranges`` (inclusive ``(first, last)``
    pairs) for Wagtail search: queued by ``store_tweets`` after it stored them."""
    pks = (pk for first, last in pk_ranges for pk in range(first, last + 1))
    backends = list(get_search_backends(with_auto_update=True))
    indexed = 0
    for batch in batched(pks, INDEX_BATCH_SIZE):
        tweets = list(Tweet.objects.filter(pk__in=batch))
        for backend in backends:
            backend.add_bulk(Tweet, tweets)
        indexed += len(tweets)
    return f"{indexed} tweets indexed for search"


class _ProgressWriter:
    """Writes an import's progress to its row, at most once a second and at each new phase."""

    def __init__(self, job):
        self.job, self.phase, self.written = job, "", 0.0

    def __call__(self, phase, done, total):
        now = time.monotonic()
        if phase == self.phase and done < total and now - self.written < PROGRESS_INTERVAL:
            return
        self.phase, self.written = phase, now
        ArchiveImport.objects.filter(pk=self.job.pk).update(
            phase=phase, progress_done=done, progress_total=total
        )
        self.job.phase, self.job.progress_done, self.job.progress_total = phase, done, total


FETCH_SCHEDULE = "sochef-fetch-tweets"
FETCH_RETRY_SCHEDULE = "sochef-fetch-tweets-after-rate-limit"


def fetch_tweets_task():
    """The scheduled fetch of every active account. Never sleeps out a rate limit: it stops,
    and schedules one more fetch for when the limit resets."""
    try:
        results = fetch_tweets()
    except FetchStopped as stop:
        if stop.retry_at:
            Schedule.objects.update_or_create(
                name=FETCH_RETRY_SCHEDULE,
                defaults={
                    "func": f"{__name__}.fetch_tweets_task",
                    "schedule_type": Schedule.ONCE,
                    "repeats": 1,
                    "next_run": stop.retry_at + datetime.timedelta(seconds=5),
                },
            )
        return str(stop)
    except FetchError as error:
        logger.error("Scheduled fetch of tweets failed: %s", error)
        raise
    return "\n".join(result.summary for result in results)


def ensure_schedules():
    """Create or update the django-q2 schedule of the fetch; returns (schedule, created).

    Raises FetchError without an X token: every scheduled run could only fail."""
    bearer_token()
    return Schedule.objects.update_or_create(
        name=FETCH_SCHEDULE,
        defaults={
            "func": f"{__name__}.fetch_tweets_task",
            "schedule_type": Schedule.MINUTES,
            "minutes": app_settings.FETCH_INTERVAL_MINUTES,
            "repeats": -1,
        },
    )


def fetch_schedule_without_token():
    """The fetch schedule if it exists while no X token is set (each run fails), else None."""
    if app_settings.X_BEARER_TOKEN:
        return None
    return Schedule.objects.filter(name=FETCH_SCHEDULE).first()

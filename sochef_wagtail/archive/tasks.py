"""django-q2 tasks of the archive: they call the same functions as the management commands."""

import datetime
import logging
import threading

from django.db import DatabaseError, connections, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.exceptions import TimeoutException
from django_q.models import Schedule
from wagtail.search.backends import get_search_backends

from ..accounts import RelayAccount
from ..choices import Platform
from ..conf import app_settings
from .fetch import FetchError, FetchStopped, bearer_token, fetch_tweets
from .formats import ArchiveError
from .html import html_key, stored_html
from .importer import import_archive
from .models import ArchiveImport, ArchiveImportStatus, Tweet

logger = logging.getLogger(__name__)

# Seconds between two heartbeats (with the progress) of a running import.
PROGRESS_INTERVAL = 1.0
# Tweets indexed for Wagtail search at once: each call of the database backend scans its whole
# index once, so fewer, larger calls are much faster.
INDEX_BATCH_SIZE = 10_000
# Posts whose HTML is made and stored at once (one read, one executemany of updates).
RENDER_BATCH_SIZE = 2_000


def run_archive_import(import_id):
    """Import the archive uploaded as ``ArchiveImport`` ``import_id``, then delete the upload.

    However the task ends, the row ends finished with a message: done, refused, failed, or
    stopped by django-q2's time-out (``TimeoutException``, a ``SystemExit``) or a shutdown,
    which are re-raised. A worker killed outright cannot say so: its heartbeat stops, and
    ``fail_stopped_imports`` marks the row failed.
    """
    # Claim the job, so that a task the broker delivers twice does not run twice.
    claimed = ArchiveImport.objects.filter(pk=import_id, status=ArchiveImportStatus.QUEUED).update(
        status=ArchiveImportStatus.RUNNING, heartbeat_at=timezone.now()
    )
    if not claimed:
        return ""
    job = ArchiveImport.objects.get(pk=import_id)
    try:
        with _Heartbeat(job) as heartbeat, job.archive.open("rb") as archive:
            result = import_archive(archive, handle=job.handle, progress=heartbeat.progress)
    except ArchiveError as error:
        job.status, job.error = ArchiveImportStatus.FAILED, str(error)
    except Exception as error:
        logger.exception("Archive import %s failed", job.pk)
        job.status = ArchiveImportStatus.FAILED
        job.error = _("The import stopped on an unexpected error (%(error)s).") % {
            "error": type(error).__name__
        }
    except BaseException as stop:
        job.status, job.error = ArchiveImportStatus.FAILED, _stopped_message(stop)
        raise
    else:
        job.status, job.summary = ArchiveImportStatus.DONE, result.summary
    finally:
        _delete_upload(job)
        job.finished_at = timezone.now()
        job.save()
    return job.summary or job.error


def _stopped_message(stop):
    """What the row of an import says when ``stop`` (not an ``Exception``) ended it."""
    if isinstance(stop, TimeoutException):
        return _(
            "The import took longer than the time-out of the q cluster and was stopped; "
            "nothing was written. Raise “timeout” (and “retry” above it) in Q_CLUSTER, or "
            "import the archive with the command sochef_import_archive."
        )
    return _(
        "The import was stopped before it had finished (%(reason)s); nothing was written. "
        "Upload the archive again."
    ) % {"reason": type(stop).__name__}


def _delete_upload(job):
    """Delete the uploaded archive (a copy of someone's personal data); a storage that fails
    to is logged, and does not keep the row from saying how the import ended."""
    try:
        job.archive.delete(save=False)
    except Exception:
        logger.exception("Could not delete the upload of archive import %s", job.pk)


def fail_stopped_imports():
    """Mark failed the running imports whose heartbeat is older than
    ``SOCHEF_IMPORT_HEARTBEAT_TIMEOUT``: their worker died (killed, its server restarted)
    without being able to say so. Their uploads are deleted. Returns how many there were."""
    now = timezone.now()
    limit = now - datetime.timedelta(seconds=app_settings.IMPORT_HEARTBEAT_TIMEOUT)
    stopped = ArchiveImport.objects.alias(last_sign=Coalesce("heartbeat_at", "created_at")).filter(
        status=ArchiveImportStatus.RUNNING, last_sign__lt=limit
    )
    failed = 0
    for job in stopped:
        # Only if no worker has finished it meanwhile.
        if stopped.filter(pk=job.pk).update(
            status=ArchiveImportStatus.FAILED,
            error=_(
                "The import stopped without finishing: its worker stopped (killed, restarted, "
                "or past the time-out of the q cluster). An import stores the whole archive or "
                "nothing: upload the archive again; tweets already stored are skipped."
            ),
            finished_at=now,
        ):
            failed += 1
            _delete_upload(job)
            ArchiveImport.objects.filter(pk=job.pk).update(archive="")
    return failed


def fail_unqueued_import(job, error):
    """Mark failed an import whose task could not be queued, deleting its upload."""
    logger.exception("The archive import %s could not be queued", job.pk)
    _delete_upload(job)
    ArchiveImport.objects.filter(pk=job.pk).update(
        status=ArchiveImportStatus.FAILED,
        error=_(
            "The import could not be queued for the q cluster (%(error)s). Nothing was "
            "imported: upload the archive again once the q cluster's broker answers."
        )
        % {"error": error.__class__.__name__},
        archive="",
        finished_at=timezone.now(),
    )


def index_tweets(pk_ranges):
    """Index the tweets whose primary keys lie in ``pk_ranges`` (inclusive ``(first, last)``
    pairs) for Wagtail search: queued by ``tweet_store`` after it stored them.

    Each batch is chosen by a range of keys (not a list of thousands). The app's backend
    indexes that queryset in SQL (``add_tweets``: SQLite writes the entries in one statement,
    PostgreSQL has nothing to write); another backend is given the tweets, read with only the
    fields the index is made of: not the entities, whose JSON would be decoded for nothing.
    """
    indexes = [
        backend.get_index_for_model(Tweet) for backend in get_search_backends(with_auto_update=True)
    ]
    fields = ["pk", *{field.field_name for field in Tweet.get_search_fields()}]
    indexed = 0
    for first, last in pk_ranges:
        for start in range(first, last + 1, INDEX_BATCH_SIZE):
            batch = Tweet.objects.filter(pk__range=(start, min(start + INDEX_BATCH_SIZE - 1, last)))
            tweets = None
            for index in indexes:
                if hasattr(index, "add_tweets"):
                    index.add_tweets(batch)
                else:
                    tweets = tweets or list(batch.only(*fields))
                    index.add_items(Tweet, tweets)
            indexed += batch.count()
    return f"{indexed} tweets indexed for search"


def store_html(tweets):
    """Make and store the HTML (``Tweet.html``, archive/html.py) of those of ``tweets`` (a
    queryset) whose stored HTML is not current; returns how many."""
    keys = {}
    updates = []
    for tweet in tweets.select_related("account").order_by():
        key = keys.get(tweet.account_id)
        if key is None:
            key = keys[tweet.account_id] = html_key(tweet.account)
        if tweet.html_key != key or not tweet.html:
            updates.append((stored_html(tweet), key, tweet.pk, tweet.html_key))
    if updates:
        connection = connections[Tweet.objects.db]
        quote = connection.ops.quote_name
        table, pk = quote(Tweet._meta.db_table), quote(Tweet._meta.pk.column)
        # Not over a post saved meanwhile: Tweet.save() stored its HTML and the current key.
        sql = f"UPDATE {table} SET html = %s, html_key = %s WHERE {pk} = %s AND html_key = %s"
        # One transaction: each statement of its own would be a commit, and a disk sync, per post.
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.executemany(sql, updates)
    return len(updates)


def render_posts(pk_ranges, progress=None):
    """Store the HTML of the posts whose primary keys lie in ``pk_ranges`` (inclusive
    ``(first, last)`` pairs) where it is not current: queued by ``tweet_store`` after it stored
    them in bulk, which sends no signal for ``Tweet.save()`` to make it, and after an account
    is renamed. ``progress(done, total)`` is told after each batch."""
    total = sum(last - first + 1 for first, last in pk_ranges)
    done = rendered = 0
    for first, last in pk_ranges:
        for start in range(first, last + 1, RENDER_BATCH_SIZE):
            end = min(start + RENDER_BATCH_SIZE - 1, last)
            rendered += store_html(Tweet.objects.filter(pk__range=(start, end)))
            done += end - start + 1
            if progress:
                progress(done, total)
    return f"{rendered} posts rendered"


class _Heartbeat:
    """While an import runs, a thread writes its progress and the time to its row every
    ``PROGRESS_INTERVAL`` seconds, on a database connection of its own: outside the import's
    transaction, so that the status page sees it, and also while the import waits for a lock
    or stores a batch of files. Use as a context manager; ``progress`` is the importer's
    ``progress(phase, done, total)``."""

    def __init__(self, job):
        self.job = job
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, name=f"sochef-import-{job.pk}-heartbeat", daemon=True
        )

    def progress(self, phase, done, total):
        self.job.phase, self.job.progress_done, self.job.progress_total = phase, done, total

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()

    def _beat(self):
        try:
            while not self._stop.wait(PROGRESS_INTERVAL):
                job = self.job
                try:
                    ArchiveImport.objects.filter(
                        pk=job.pk, status=ArchiveImportStatus.RUNNING
                    ).update(
                        heartbeat_at=timezone.now(),
                        phase=job.phase,
                        progress_done=job.progress_done,
                        progress_total=job.progress_total,
                    )
                except DatabaseError as error:
                    logger.warning(
                        "Could not write the heartbeat of archive import %s: %s", job.pk, error
                    )
        finally:
            connections.close_all()  # this thread's own


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

    Raises FetchError when an active X account has no X token: each run could only fail."""
    if _fetches_x():
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
    """The fetch schedule if it exists while an active X account has no X token set (each run
    fails), else None."""
    if app_settings.X_BEARER_TOKEN or not _fetches_x():
        return None
    return Schedule.objects.filter(name=FETCH_SCHEDULE).first()


def _fetches_x():
    return RelayAccount.objects.filter(active=True, platform=Platform.X).exists()

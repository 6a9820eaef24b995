"""One storing function: ``TweetRow``s become ``Tweet`` and ``TweetMedia`` rows, idempotently."""

import contextlib
import logging
import posixpath
from collections import deque
from dataclasses import dataclass
from itertools import islice

from django.core.files import File
from django.db import connections, router, transaction
from django.utils.text import get_valid_filename
from django_q.tasks import async_task

from ..accounts import RelayAccount
from .media_types import media_type
from .models import MediaKind, Tweet, TweetMedia
from .signals import tweets_stored

BATCH_SIZE = 500
INDEX_TASK = "sochef_wagtail.archive.tasks.index_tweets"
MEDIA_FILE = TweetMedia._meta.get_field("file")

logger = logging.getLogger(__name__)


def batched(iterable, size):
    """``itertools.batched`` of Python 3.12, as lists."""
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


@dataclass
class StoreResult:
    created: int = 0
    present: int = 0
    duplicates: int = 0
    media: int = 0
    media_not_archived: int = 0  # media rows without a file: none given, or not a media file


@contextlib.contextmanager
def unlogged_queries():
    """Keep the statements run inside out of Django's query log, whatever the host's DEBUG.

    With DEBUG on, Django keeps a connection's last 9,000 statements; an import's are bulk
    inserts of 500 tweets each, hundreds of megabytes. A log someone asked for explicitly
    (``CaptureQueriesContext``, ``assertNumQueries``) is kept.
    """
    connection = connections[router.db_for_write(Tweet)]
    if connection.force_debug_cursor:
        yield
        return
    log = connection.queries_log
    connection.queries_log = deque(maxlen=0)
    try:
        yield
    finally:
        connection.queries_log = log


def existing_tweet_ids(tweet_ids):
    """The ids among ``tweet_ids`` that are stored already, queried in batches."""
    found = set()
    for batch in batched(tweet_ids, BATCH_SIZE):
        found.update(Tweet.objects.filter(tweet_id__in=batch).values_list("tweet_id", flat=True))
    return found


def store_tweets(account, rows, *, open_media=None, on_stored=None):
    """Store the rows of ``account`` that are not stored yet, in one transaction.

    A tweet already stored is skipped, and so is a tweet met twice in ``rows``. Concurrent calls
    for the same account wait for each other (the account row is locked), so none stores a
    tweet twice. ``open_media(row, media, taken)`` returns ``(file name, file object)`` of a
    media file to keep, or None (``taken`` is a set it may use to hand out each file of a tweet
    once); files stored before a failure are deleted again.
    ``on_stored(count)`` is told how many rows were handled after each batch.
    """
    result = StoreResult()
    saved_files, stored_pks = [], []
    seen = set()
    times = []  # the earliest and latest new tweet
    try:
        with unlogged_queries(), transaction.atomic():
            RelayAccount.objects.select_for_update().filter(pk=account.pk).first()
            for batch in batched(rows, BATCH_SIZE):
                unique = []
                for row in batch:
                    if row.tweet_id in seen:
                        result.duplicates += 1
                    else:
                        seen.add(row.tweet_id)
                        unique.append(row)
                present = existing_tweet_ids([row.tweet_id for row in unique])
                new = [row for row in unique if row.tweet_id not in present]
                result.present += len(present)
                tweets = Tweet.objects.bulk_create(
                    [Tweet(account=account, **row.model_fields()) for row in new]
                )
                stored_pks += [tweet.pk for tweet in tweets]
                media = [
                    _media_row(tweet, item, saved_files)
                    for tweet, row in zip(tweets, new, strict=True)
                    for item in _with_files(row, open_media)
                ]
                TweetMedia.objects.bulk_create(media, ignore_conflicts=True)
                result.created += len(new)
                result.media += len(media)
                result.media_not_archived += sum(1 for item in media if not item.file)
                times += [row.created_at for row in new] + _link_earlier_versions(new)
                times = [min(times), max(times)] if times else []
                if on_stored:
                    on_stored(len(batch))
            if stored_pks:
                _queue_indexing(stored_pks)
            if times:
                # bulk_create sends no model signals: whoever keeps what the tweets show is told.
                first, last = times
                tweets_stored.send(sender=Tweet, account=account, first=first, last=last)
    except BaseException:
        for name in saved_files:
            MEDIA_FILE.storage.delete(name)
        raise
    return result


def _link_earlier_versions(rows):
    """Link the stored earlier versions of the edited tweets among ``rows`` to their latest
    version (the API sends an edit as a new tweet); returns their times."""
    times = []
    for row in rows:
        if row.edited:
            earlier = Tweet.objects.filter(tweet_id__in=row.edit_tweet_ids[:-1]).exclude(
                latest_version_id=row.tweet_id
            )
            earlier_times = list(earlier.values_list("created_at", flat=True))
            if earlier_times:
                earlier.update(latest_version_id=row.tweet_id, edited=False)
                times += earlier_times
    return times


def _with_files(row, open_media):
    """Yield ``(media, opened file or None)`` of each media of ``row``."""
    taken = set()
    for item in row.media:
        yield item, (open_media(row, item, taken) if open_media else None)


def _media_row(tweet, media_and_file, saved_files):
    """A ``TweetMedia`` of ``tweet``, its file (if any) stored first; stored names are appended
    to ``saved_files`` so that a failure can delete them again."""
    item, opened = media_and_file
    name = ""
    if opened:
        file_name, file_object = opened
        with file_object:
            kind = media_type(file_object, video=item.kind != MediaKind.PHOTO)
            if kind is None:
                logger.warning(
                    "Tweet %s: %s is not a %s as X exports them; not stored",
                    tweet.tweet_id,
                    file_name,
                    "picture" if item.kind == MediaKind.PHOTO else "video",
                )
            else:
                # The extension of what the file holds, never the one its name claims.
                stem = posixpath.splitext(file_name)[0]
                name = f"{get_valid_filename(stem)}.{kind.extension}"
                name = MEDIA_FILE.generate_filename(None, name)
                _delete_leftover(name)
                name = MEDIA_FILE.storage.save(
                    name, File(file_object), max_length=MEDIA_FILE.max_length
                )
                saved_files.append(name)
    return TweetMedia(
        tweet=tweet,
        media_key=item.media_key,
        kind=item.kind,
        file=name,
        alt_text=item.alt_text,
        width=item.width,
        height=item.height,
        original_url=item.original_url,
        position=item.position,
    )


def _delete_leftover(name):
    """Delete the file at ``name`` if no media row holds it.

    Names start with the tweet's id, and a tweet's media are stored only with the tweet: such a
    file is what a process killed while storing (which could not delete its files) left behind.
    Storing over it keeps no orphan file and the name the import would have given.
    """
    storage = MEDIA_FILE.storage
    if storage.exists(name) and not TweetMedia.objects.filter(file=name).exists():
        storage.delete(name)


def _queue_indexing(pks):
    """Have the new tweets indexed for Wagtail search by a django-q2 task once they are committed.

    bulk_create sends no signals, and indexing costs more than storing (the database backend
    builds a search vector per row): done here it would double an import's time.
    """
    ranges = pk_ranges(pks)

    def queue():
        try:
            async_task(INDEX_TASK, ranges)
        except Exception:
            # The tweets are stored; only the search misses them until the index is rebuilt.
            logger.exception(
                "Could not queue the search indexing of %s new tweets (broker down?); "
                "run `manage.py update_index` to find them by search",
                len(pks),
            )

    transaction.on_commit(queue)


def pk_ranges(pks):
    """Sorted ``pks`` as a short list of inclusive ``(first, last)`` ranges of consecutive ones."""
    ranges = []
    for pk in sorted(pks):
        if ranges and pk == ranges[-1][1] + 1:
            ranges[-1][1] = pk
        else:
            ranges.append([pk, pk])
    return [tuple(r) for r in ranges]

"""One storing function: ``TweetRow``s become ``Tweet`` and ``TweetMedia`` rows, idempotently."""

import bisect
import contextlib
import datetime
import json
import logging
import math
import operator
import posixpath
import sqlite3
from collections import deque
from dataclasses import dataclass
from itertools import islice

from django.conf import settings
from django.core.files import File
from django.db import connections, models, router, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.text import get_valid_filename
from django_q.tasks import async_task

from ..accounts import RelayAccount
from .html import html_key
from .media_types import media_type
from .models import MediaKind, Tweet, TweetMedia
from .normalize import TweetRow
from .signals import tweets_stored

BATCH_SIZE = 2000
INDEX_TASK = "sochef_wagtail.archive.tasks.index_tweets"
RENDER_TASK = "sochef_wagtail.archive.tasks.render_posts"
#: Primary keys a rendering task covers at most: 20,000 posts took about 5 s on PostgreSQL here
#: (benchmarks/results.md), well inside a q cluster's time-out.
RENDER_TASK_POSTS = 20_000
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

    def add(self, other):
        """Add the counts of the ``StoreResult`` ``other`` to these."""
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


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


def _stored_pks(tweet_ids):
    """``{tweet id: primary key}`` of the stored tweets among ``tweet_ids``.

    In plain SQL: the ORM prepares each of the ids through the field, which took longer than
    the query itself. On PostgreSQL the ids go as one array parameter: psycopg rewrites a
    query's placeholders one by one, which for 2,000 of them cost more than the query.
    """
    connection = connections[router.db_for_read(Tweet)]
    quote = connection.ops.quote_name
    table, pk = quote(Tweet._meta.db_table), quote(Tweet._meta.pk.column)
    column = quote(Tweet._meta.get_field("tweet_id").column)
    query = f"SELECT {column}, {pk} FROM {table} WHERE {column} "
    found = {}
    with connection.cursor() as cursor:
        for batch in batched(tweet_ids, BATCH_SIZE):
            if connection.vendor == "postgresql":
                cursor.execute(query + "= ANY(%s)", [batch])
            else:
                cursor.execute(query + f"IN ({', '.join(['%s'] * len(batch))})", batch)
            found.update(cursor.fetchall())
    return found


class _PkRanges:
    """Primary keys, given in ascending order (as the database hands them out), as a list of
    inclusive ``[first, last]`` ranges of consecutive ones."""

    def __init__(self):
        self.ranges = []

    def extend(self, pks):
        for pk in pks:
            if self.ranges and pk == self.ranges[-1][1] + 1:
                self.ranges[-1][1] = pk
            else:
                self.ranges.append([pk, pk])

    def __contains__(self, pk):
        index = bisect.bisect_right(self.ranges, [pk, math.inf]) - 1
        return index >= 0 and self.ranges[index][0] <= pk <= self.ranges[index][1]


def store_tweets(account, rows, *, open_media=None):
    """Store the ``TweetRow``s of ``account`` that are not stored yet, in one transaction
    (``tweet_store``: a tweet already stored, or met twice in ``rows``, is skipped)."""
    with tweet_store(account, open_media=open_media) as store:
        for batch in batched(rows, BATCH_SIZE):
            store.add(batch)
    return store.result


@contextlib.contextmanager
def tweet_store(account, *, open_media=None):
    """A ``TweetStore`` of ``account`` in a transaction of its own (committed when the block
    ends, unless it is marked for rollback, as a dry run is).

    Concurrent stores of the same account wait for each other (the account row is locked), so
    none stores a tweet twice. ``open_media(row, media, taken)`` returns ``(file name, file
    object)`` of a media file to keep, or None (``taken`` is a set it may use to hand out each
    file of a tweet once); files stored by a store that is rolled back are deleted again.
    """
    using = router.db_for_write(Tweet)
    store = None
    try:
        with unlogged_queries(), transaction.atomic(using=using):
            RelayAccount.objects.select_for_update().filter(pk=account.pk).first()
            store = TweetStore(account, open_media)
            yield store
            if transaction.get_rollback(using=using):
                store.delete_files()
            else:
                store.announce()
    except BaseException:
        if store:
            store.delete_files()
        raise


@dataclass
class Present:
    """Which of some tweet ids a ``TweetStore`` holds (``TweetStore.present``)."""

    #: Stored before the store began.
    ids: set
    #: Stored by the store itself: copies of a tweet met before.
    again: set
    #: The earliest and latest time of the tweets of ``ids`` ([] when there are none).
    times: list


class TweetStore:
    """Stores ``TweetRow``s of one account batch by batch (``add``), inside the transaction of
    ``tweet_store``, which makes it. Memory does not grow with the tweets stored."""

    def __init__(self, account, open_media):
        self.account, self.open_media = account, open_media
        self.result = StoreResult()
        self._writer = TweetWriter(connections[router.db_for_write(Tweet)], account)
        self._stored = _PkRanges()  # of the tweets stored here
        self._last_batch = set()  # the ids of the tweets the last ``add`` stored
        self._times = []  # the earliest and latest new tweet
        self._saved_files = []

    def present(self, tweet_ids):
        """The ``Present`` of ``tweet_ids``."""
        found = _stored_pks(tweet_ids)
        again = {tweet_id for tweet_id, pk in found.items() if pk in self._stored}
        before = found.keys() - again
        times = []
        if before:
            span = Tweet.objects.filter(tweet_id__in=before).aggregate(
                first=Min("created_at"), last=Max("created_at")
            )
            times = [span["first"], span["last"]]
        return Present(before, again, times)

    def add(self, rows, *, checked=False):
        """Store ``rows`` (a batch of ``TweetRow``s, at most ``BATCH_SIZE``) but those stored
        already; returns what it did, a ``StoreResult``, and adds it to ``result``.

        ``checked``: the rows are those ``present`` did not find, asked before the last ``add``
        (as the importer does, a batch ahead); only copies of that batch's tweets are looked
        for then, in memory, not in the database.
        """
        done = StoreResult()
        unique = list({row.tweet_id: row for row in reversed(rows)}.values())[::-1]
        done.duplicates = len(rows) - len(unique)
        if checked:
            again = {row.tweet_id for row in unique if row.tweet_id in self._last_batch}
            present = Present(set(), again, [])
        else:
            present = self.present([row.tweet_id for row in unique])
        found = present.ids | present.again
        done.duplicates += len(present.again)
        done.present = len(present.ids)
        new = [row for row in unique if row.tweet_id not in found]
        pks = self._writer.insert(new)
        self._stored.extend(pks)
        self._last_batch = {row.tweet_id for row in new}
        media = [
            _media_row(pk, row, item, self._saved_files)
            for pk, row in zip(pks, new, strict=True)
            for item in _with_files(row, self.open_media)
        ]
        TweetMedia.objects.bulk_create(media, ignore_conflicts=True)
        done.created = len(new)
        done.media = len(media)
        done.media_not_archived = sum(1 for item in media if not item.file)
        times = self._times + [row.created_at for row in new] + _link_earlier_versions(new)
        self._times = [min(times), max(times)] if times else []
        self.result.add(done)
        return done

    def announce(self):
        """Queue the search indexing of the tweets stored, and tell whoever keeps what they
        show."""
        if self._stored.ranges:
            _queue_indexing(self._stored.ranges)
            _queue_rendering(self._stored.ranges)
        if self._times:
            # bulk_create sends no model signals.
            first, last = self._times
            tweets_stored.send(sender=Tweet, account=self.account, first=first, last=last)

    def delete_files(self):
        for name in self._saved_files:
            MEDIA_FILE.storage.delete(name)
        self._saved_files = []


#: What ``json.dumps(value)`` (so the ``JSONField``) returns, without the checks of its
#: arguments on each call nor the search for cycles (a row's entities have none): a third less
#: time for the entities of 100,000 tweets.
_encode_json = json.JSONEncoder(check_circular=False).encode


class TweetWriter:
    """Inserts ``TweetRow``s of one account as ``Tweet`` rows through the database driver.

    The ORM's ``bulk_create`` prepares each value of each row through its field (20 calls a
    tweet) and sends at most 999 values a statement on SQLite: most of an import's time. Here
    the columns are ordered so that a row's values come in a few calls (its plain attributes
    read at once, then its JSON and its times); the columns the rows do not give (the account,
    the time of the import, the defaults) are written once for all, not kept with each row;
    and the rows go in as one ``COPY`` (PostgreSQL with psycopg 3) or as multi-row ``INSERT``
    statements as large as the database takes.
    """

    def __init__(self, connection, account):
        self.connection = connection
        given = TweetRow.__dataclass_fields__.keys() | {"latest_version_id", "edited"}
        fields = [f for f in Tweet._meta.concrete_fields if not f.primary_key]
        from_rows = [f for f in fields if f.name in given]
        json = [f.name for f in from_rows if isinstance(f, models.JSONField)]
        moments = [f.name for f in from_rows if isinstance(f, models.DateTimeField)]
        plain = [f.name for f in from_rows if f.name not in {*json, *moments}]
        constant = [f for f in fields if f not in from_rows]
        self.columns = [Tweet._meta.get_field(name).column for name in plain + json + moments]
        self.columns += [f.column for f in constant]
        self._plain = operator.attrgetter(*plain)
        self._json = [operator.attrgetter(name) for name in json]
        self._moments = [operator.attrgetter(name) for name in moments]
        self._moment = self._moment_function()
        self.constants = tuple(self._constant(field, account) for field in constant)

    def _moment_function(self):
        """The function of an aware datetime that gives its column's value."""
        if self.connection.vendor == "sqlite" and settings.USE_TZ:
            # What Django's SQLite backend stores: UTC, naive, as text.
            def moment(value):
                if value.tzinfo is not datetime.UTC:
                    value = value.astimezone(datetime.UTC)
                return value.isoformat(" ")[:-6]  # str() of the naive one, without "+00:00"

            return moment
        return self.connection.ops.adapt_datetimefield_value

    def _constant(self, field, account):
        """The value of ``field``, which the rows do not give, as the ORM would write it."""
        if field.attname == "account_id":
            return account.pk
        if isinstance(field, models.DateTimeField) and field.auto_now_add:
            return self._moment(timezone.now())
        return field.get_db_prep_save(field.get_default(), self.connection)

    def values(self, row):
        """The values of the ``TweetRow`` ``row``, in the order of ``columns``."""
        return (
            *self._plain(row),
            *[_encode_json(value(row)) for value in self._json],
            *[self._moment(value(row)) for value in self._moments],
            *self.constants,
        )

    def insert(self, rows):
        """Insert ``rows`` (``TweetRow``s); returns their primary keys, in their order."""
        if not rows:
            return []
        with self.connection.cursor() as cursor:
            raw = cursor.cursor
            if self.connection.vendor == "postgresql" and hasattr(raw, "copy"):
                return self._copy(raw, rows)
            return self._insert(raw, rows)

    def _copy(self, raw, rows):
        table = Tweet._meta.db_table
        pk = Tweet._meta.pk.column
        raw.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk, len(rows)],
        )
        pks = [number for (number,) in raw.fetchall()]
        quote = self.connection.ops.quote_name
        columns = ", ".join(quote(column) for column in [pk, *self.columns])
        with raw.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
            values = self.values
            for pk_value, row in zip(pks, rows, strict=True):
                copy.write_row((pk_value, *values(row)))
        return pks

    def _insert(self, raw, rows):
        table = Tweet._meta.db_table
        quote = self.connection.ops.quote_name
        columns = ", ".join(quote(column) for column in self.columns)
        sqlite = self.connection.vendor == "sqlite"
        # The driver's own placeholders: Django's SQLite cursor would rewrite each of them.
        one = "(" + ", ".join(["?" if sqlite else "%s"] * len(self.columns)) + ")"
        pks = []
        for batch in batched(rows, self._rows_per_statement()):
            insert = (
                f"INSERT INTO {quote(table)} ({columns}) VALUES {', '.join([one] * len(batch))}"
            )
            values = [value for row in batch for value in self.values(row)]
            if sqlite:
                # Without RETURNING, which steps SQLite once a row, each step giving up the GIL
                # and waiting for it while the importer's thread normalises. The rows of one
                # INSERT get consecutive ids (AUTOINCREMENT: one more than the largest before),
                # the last of them lastrowid.
                raw.execute(insert, values)
                pks += range(raw.lastrowid - len(batch) + 1, raw.lastrowid + 1)
            else:
                raw.execute(f"{insert} RETURNING {quote(Tweet._meta.pk.column)}", values)
                pks += [number for (number,) in raw.fetchall()]
        return pks

    def _rows_per_statement(self):
        limit = self.connection.features.max_query_params or 65535
        if self.connection.vendor == "sqlite":
            # Django assumes SQLite's old limit of 999; the library says what it allows.
            with self.connection.cursor():
                native = self.connection.connection
                limit = native.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        return max(limit // len(self.columns), 1)


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
                # Their stored HTML says "edited": made again when shown.
                earlier.update(latest_version_id=row.tweet_id, edited=False, html_key="")
                times += earlier_times
    return times


def _with_files(row, open_media):
    """Yield ``(media, opened file or None)`` of each media of ``row``."""
    taken = set()
    for item in row.media:
        yield item, (open_media(row, item, taken) if open_media else None)


def _media_row(tweet_pk, row, media_and_file, saved_files):
    """A ``TweetMedia`` of the tweet ``row`` stored as ``tweet_pk``, its file (if any) stored
    first; stored names are appended to ``saved_files`` so that a failure can delete them
    again."""
    item, opened = media_and_file
    name = ""
    if opened:
        file_name, file_object = opened
        with file_object:
            kind = media_type(file_object, video=item.kind != MediaKind.PHOTO)
            if kind is None:
                logger.warning(
                    "Tweet %s: %s is not a %s as X exports them; not stored",
                    row.tweet_id,
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
        tweet_id=tweet_pk,
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


def _queue_indexing(ranges):
    """Have the new tweets (``ranges`` of their primary keys) indexed for Wagtail search by a
    django-q2 task once they are committed.

    Bulk inserts send no signals, and indexing costs more than storing (the database backend
    builds a search vector per row): done here it would double an import's time.
    """
    _queue_after_commit(
        INDEX_TASK,
        [tuple(r) for r in ranges],
        f"Could not queue the search indexing of {_count(ranges)} new tweets (broker down?); "
        "run `manage.py update_index` to find them by search",
    )


def _queue_rendering(ranges, what=None):
    """Have the HTML of the tweets in ``ranges`` (of their primary keys; ``what`` they are, for
    the log) made and stored by django-q2 tasks once they are committed, as the search
    indexing is, rather than lengthen the import. Until then the pages make it when they show
    them. A task per ``RENDER_TASK_POSTS`` keys: one for a million would outlast the q
    cluster's time-out."""
    what = what or f"{_count(ranges)} new tweets"
    for chunk in chunked_ranges(ranges, RENDER_TASK_POSTS):
        _queue_after_commit(
            RENDER_TASK,
            chunk,
            f"Could not queue the rendering of {what} (broker down?); the pages make their "
            "HTML until `manage.py sochef_render_posts` stores it",
        )


def queue_account_rendering(account):
    """After ``account`` is saved: have its posts' HTML made again if what it holds of the
    account (its handle, side, platform) changed: one query when nothing did."""
    posts = Tweet.objects.filter(account=account)
    if posts.exclude(html_key=html_key(account)).exists():
        span = posts.aggregate(first=Min("pk"), last=Max("pk"))
        _queue_rendering([(span["first"], span["last"])], f"the posts of {account}")


def _count(ranges):
    return sum(last - first + 1 for first, last in ranges)


def _queue_after_commit(task, argument, failure):
    def queue():
        try:
            async_task(task, argument)
        except Exception:
            # What is stored stays; only what the task adds is missing.
            logger.exception(failure)

    transaction.on_commit(queue)


def chunked_ranges(ranges, size):
    """Inclusive ``(first, last)`` ``ranges`` as lists of ranges covering ``size`` keys at most
    each (a range split where it must), in order."""
    chunks, chunk, room = [], [], size
    for first, last in ranges:
        while first <= last:
            end = min(last, first + room - 1)
            chunk.append((first, end))
            room -= end - first + 1
            first = end + 1
            if room == 0:
                chunks.append(chunk)
                chunk, room = [], size
    if chunk:
        chunks.append(chunk)
    return chunks


def pk_ranges(pks):
    """Sorted ``pks`` as a short list of inclusive ``(first, last)`` ranges of consecutive ones."""
    ranges = []
    for pk in sorted(pks):
        if ranges and pk == ranges[-1][1] + 1:
            ranges[-1][1] = pk
        else:
            ranges.append([pk, pk])
    return [tuple(r) for r in ranges]

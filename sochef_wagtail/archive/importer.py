"""Importing an X archive ZIP: the one function behind the command, the admin view and the task.

Two passes: the first reads every tweet of the archive, without writing, and checks and spools
the new ones to a temporary file; the second, only when there is something new, stores them from
there in one transaction. A broken archive is therefore refused before anything is written, and
importing an archive a second time reads it once and writes nothing.
"""

import array
import contextlib
import datetime
import gc
import pickle
import posixpath
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import Max, Min
from django.utils.translation import gettext as _

from ..accounts import RelayAccount, relay_account_handles, relay_account_named
from ..dates import local_date
from .formats import UNPACK_ERRORS, ArchiveError, ArchiveZip, unpack_error
from .models import Tweet
from .store import (
    BATCH_SIZE,
    TweetWriter,
    batched,
    existing_tweet_ids,
    store_tweets,
    unlogged_queries,
)

# Media files up to this size are unpacked in memory, larger ones to a temporary file.
SPOOL_IN_MEMORY = 8 * 1024 * 1024

#: Phases told to ``progress(phase, done, total)``: bytes of tweets read, then tweets stored.
READING, SAVING = "reading", "saving"


@dataclass
class ImportResult:
    handle: str
    imported: int = 0
    present: int = 0
    duplicates: int = 0
    media: int = 0
    media_not_archived: int = 0
    first: datetime.datetime | None = None
    last: datetime.datetime | None = None
    dry_run: bool = False

    @property
    def summary(self):
        """The closing line of an import."""
        values = {
            "imported": self.imported,
            "present": self.present,
            "media": self.media,
            "handle": self.handle,
            "first": _local_date(self.first),
            "last": _local_date(self.last),
        }
        if self.dry_run:
            return (
                _(
                    "Dry run, nothing written: would import %(imported)s, already present "
                    "%(present)s, media %(media)s, for @%(handle)s, %(first)s – %(last)s."
                )
                % values
            )
        summary = (
            _(
                "Imported %(imported)s, already present %(present)s, media %(media)s, "
                "for @%(handle)s, %(first)s – %(last)s."
            )
            % values
        )
        if self.media_not_archived:
            summary += " " + _(
                "Media not archived: %(count)s (missing from the archive, or not a JPEG, PNG, "
                "GIF, WebP or MP4 file)."
            ) % {"count": self.media_not_archived}
        return summary


def import_archive(file, *, handle="", dry_run=False, progress=None):
    """Import the archive ZIP ``file`` (a path or a binary file object) into its relay account.

    ``handle`` must name the archive's own account, and is required when the archive does not
    say whose it is. Raises ``ArchiveError`` (a one-line message) and writes nothing when the
    archive cannot be imported. ``progress(phase, done, total)`` is told how far it got.
    """
    progress = progress or (lambda phase, done, total: None)
    with (
        _frozen_heap(),
        unlogged_queries(),
        ArchiveZip(file) as archive,
        tempfile.TemporaryFile() as spool,
    ):
        account, archive_user_id = _relay_account(archive, handle)
        scan = _scan(archive, account, spool, progress)
        result = ImportResult(
            handle=account.handle,
            imported=scan.new,
            present=scan.present,
            duplicates=scan.duplicates,
            media=scan.media,
            first=scan.first,
            last=scan.last,
            dry_run=dry_run,
        )
        if dry_run or not scan.new:
            return result
        opener = _MediaOpener(archive)
        saved = 0

        def on_stored(count):
            nonlocal saved
            saved += count
            progress(SAVING, saved, scan.new)

        progress(SAVING, 0, scan.new)
        spool.seek(0)
        stored = store_tweets(account, _unspool(spool), open_media=opener, on_stored=on_stored)
        if archive_user_id and not account.x_user_id:
            RelayAccount.objects.filter(pk=account.pk, x_user_id="").update(
                x_user_id=archive_user_id
            )
        result.imported, result.media = stored.created, stored.media
        result.media_not_archived = stored.media_not_archived
        result.present += stored.present
        return result


@contextlib.contextmanager
def _frozen_heap():
    """Keep the objects that exist before the import out of the garbage collector's full
    collections while it runs.

    Each batch's tweets live long enough to reach the oldest generation, which then fills
    often enough for dozens of full collections over 100,000 tweets, each going through every
    object of Django, Wagtail and the site: a tenth of the import's time.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _relay_account(archive, handle):
    """The relay account to import into, and the X user id the archive gives for it."""
    own = archive.account()
    handle = (handle or "").strip().removeprefix("@")
    if handle and own and handle.casefold() != own.handle.casefold():
        raise ArchiveError(
            _("This archive belongs to @%(own)s, not to @%(given)s.")
            % {"own": own.handle, "given": handle}
        )
    wanted = handle or (own.handle if own else "")
    if not wanted:
        raise ArchiveError(
            _("The archive does not say whose it is: name its relay account (one of %(known)s).")
            % {"known": relay_account_handles()}
        )
    account = relay_account_named(wanted)
    if account is None:
        raise ArchiveError(
            _(
                "@%(handle)s is not a relay account of this site. Relay accounts: %(known)s. "
                "Add it under SOchef → Relay accounts first."
            )
            % {"handle": wanted, "known": relay_account_handles()}
        )
    return account, (own.user_id if own else "")


@dataclass
class _Scan:
    new: int = 0
    present: int = 0
    duplicates: int = 0
    media: int = 0
    first: datetime.datetime | None = None
    last: datetime.datetime | None = None


def _scan(archive, account, spool, progress):
    """Read and check every tweet, and spool the new ones (pickled, batch by batch) to ``spool``.

    A tweet's id is read first: only tweets that are not stored yet are normalised, so an
    archive imported before is read and not worked on. Memory holds one batch and the ids met,
    8 bytes each (``_IdSet``). The second pass reads the spool, not the archive.
    """
    total, done, reported = archive.tweets_size, 0, 0
    step = max(total // 200, 1)

    def on_read(count):
        nonlocal done, reported
        done += count
        if done - reported >= step:
            reported = done
            progress(READING, done, total)

    writer = TweetWriter(connections[router.db_for_write(Tweet)], account)
    progress(READING, 0, total)
    scan, ids = _read(archive, spool, on_read, writer, repeated=None)
    repeated = ids.repeated()
    if repeated:
        # A tweet twice in the archive (X's never are): read again, keeping its first copy.
        spool.seek(0)
        spool.truncate()
        scan, _ids = _read(archive, spool, lambda count: None, writer, repeated=repeated)
    progress(READING, total, total)
    return scan


def _read(archive, spool, on_read, writer, repeated):
    """One reading of the archive for ``_scan``; ``repeated`` is None or the set of ids met
    more than once, whose copies after the first are skipped."""
    scan, ids, met = _Scan(), _IdSet(), set()
    for batch in batched(archive.iter_entries(on_read=on_read), BATCH_SIZE):
        entries = {}
        for member, number, raw in batch:
            tweet_id = archive.tweet_id(member, number, raw)
            if repeated is not None and tweet_id in repeated:
                if tweet_id in met:
                    scan.duplicates += 1
                    continue
                met.add(tweet_id)
            ids.add(tweet_id)
            entries[tweet_id] = (member, number, raw)
        present = existing_tweet_ids(list(entries))
        new = [archive.normalize(*entry) for key, entry in entries.items() if key not in present]
        times = [row.created_at for row in new]
        if present:
            times += [
                moment
                for moment in Tweet.objects.filter(tweet_id__in=present)
                .aggregate(first=Min("created_at"), last=Max("created_at"))
                .values()
                if moment is not None
            ]
        if times:
            scan.first = min(times + [scan.first] if scan.first else times)
            scan.last = max(times + [scan.last] if scan.last else times)
        scan.present += len(present)
        scan.new += len(new)
        scan.media += sum(len(row.media) for row in new)
        if new:
            pickle.dump([writer.prepare(row) for row in new], spool, pickle.HIGHEST_PROTOCOL)
    return scan, ids


class _IdSet:
    """Tweet ids, 8 bytes each: ``repeated()`` finds those added more than once.

    A set of 1,000,000 ids as strings would take 100 MB; X's ids are integers below 2**63,
    kept in arrays split by their last bits so that each is sorted in little memory. An id
    written otherwise (a leading zero, too long) is kept as it is.
    """

    BUCKETS = 64

    def __init__(self):
        self.buckets = [array.array("q") for _ in range(self.BUCKETS)]
        self.others = []

    def add(self, tweet_id):
        if len(tweet_id) < 19 and not tweet_id.startswith("0"):
            number = int(tweet_id)
            self.buckets[number % self.BUCKETS].append(number)
        else:
            self.others.append(tweet_id)

    def repeated(self):
        found = set()
        for bucket in self.buckets:
            ordered = sorted(bucket)
            found.update(str(a) for a, b in zip(ordered, ordered[1:], strict=False) if a == b)
        found.update(key for key, count in Counter(self.others).items() if count > 1)
        return found


def _unspool(spool):
    while True:
        try:
            yield from pickle.load(spool)
        except EOFError:
            return


class _MediaOpener:
    """Hands ``store_tweets`` the archive's file of each media."""

    def __init__(self, archive):
        self.archive = archive

    def __call__(self, row, media, taken):
        member = self.archive.media_member(row.tweet_id, media, taken)
        if member is None:
            return None
        taken.add(member)
        # Unpacked (and its CRC checked) before it reaches the storage, which would keep half a
        # file if the member broke while being written.
        copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
        try:
            with self.archive.open_member(member) as source:
                shutil.copyfileobj(source, copy)
        except UNPACK_ERRORS as error:
            copy.close()
            raise unpack_error(member, error) from None
        copy.seek(0)
        return posixpath.basename(member), copy


def _local_date(moment):
    if moment is None:
        return "–"
    return local_date(moment).isoformat()

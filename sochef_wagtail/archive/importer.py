"""Importing an archive (X's ZIP, Mastodon's export, Bluesky's repository: ``opening``): the one
function behind the command, the admin view and the task.

Two passes: the first reads every tweet of the archive, without writing, and checks and spools
the new ones to a temporary file; the second, only when there is something new, stores them from
there in one transaction. A broken archive is therefore refused before anything is written.
Each tweet member read is recorded (``ImportedMember``) with the import: importing the same
member again counts its tweets as present without parsing it, so importing an archive a second
time unpacks it once and writes nothing.
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
from dataclasses import dataclass, field

from django.db import connections, router, transaction
from django.db.models import Max, Min
from django.utils.translation import gettext as _

from ..accounts import RelayAccount, relay_account_handles, relay_account_named
from ..choices import Platform
from ..dates import local_date
from .formats import UNPACK_ERRORS, ArchiveError, unpack_error
from .models import ImportedMember, Tweet
from .opening import open_archive
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
    #: Posts of the archive never stored: not public or boosts of others' (Mastodon), or
    #: records no post can be made of (Bluesky).
    skipped: int = 0
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
        if self.skipped:
            summary += " " + _(
                "Skipped %(count)s posts: not public, shared from others, or unreadable."
            ) % {"count": self.skipped}
        if self.media_not_archived:
            summary += " " + _(
                "Media not archived: %(count)s (missing from the archive, or not a JPEG, PNG, "
                "GIF, WebP or MP4 file)."
            ) % {"count": self.media_not_archived}
        return summary


def import_archive(file, *, handle="", dry_run=False, progress=None):
    """Import the archive ``file`` (a path or a binary file object) into its relay account.

    ``handle`` must name the archive's own account, and is required when the archive does not
    say whose it is. Raises ``ArchiveError`` (a one-line message) and writes nothing when the
    archive cannot be imported. ``progress(phase, done, total)`` is told how far it got.
    """
    progress = progress or (lambda phase, done, total: None)
    with (
        _frozen_heap(),
        unlogged_queries(),
        open_archive(file) as archive,
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
            skipped=archive.skipped,
        )
        if dry_run:
            return result
        imported_members = _imported_members(archive, account, scan)
        if not scan.new:
            ImportedMember.objects.bulk_create(imported_members, ignore_conflicts=True)
            return result
        opener = _MediaOpener(archive)
        saved = 0

        def on_stored(count):
            nonlocal saved
            saved += count
            progress(SAVING, saved, scan.new)

        progress(SAVING, 0, scan.new)
        spool.seek(0)
        with transaction.atomic(using=router.db_for_write(Tweet)):
            # Recorded first: a failure to store rolls it back with the tweets.
            ImportedMember.objects.bulk_create(imported_members, ignore_conflicts=True)
            stored = store_tweets(account, _unspool(spool), open_media=opener, on_stored=on_stored)
        if archive_user_id and not account.platform_id:
            RelayAccount.objects.filter(pk=account.pk, platform_id="").update(
                platform_id=archive_user_id
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
    """The relay account to import into, and the account id the archive gives for it.

    An archive names its account by handle (X, Mastodon), or by its id alone (a Bluesky
    repository knows its DID, not its handle): then the relay account of that id is meant."""
    own = archive.account()
    handle = (handle or "").strip().removeprefix("@")
    if handle and own and own.handle and handle.casefold() != own.handle.casefold():
        raise ArchiveError(
            _("This archive belongs to @%(own)s, not to @%(given)s.")
            % {"own": own.handle, "given": handle}
        )
    wanted = handle or (own.handle if own else "")
    if wanted:
        account = relay_account_named(wanted)
    elif own and own.user_id:
        account = RelayAccount.objects.filter(
            platform=archive.platform, platform_id=own.user_id
        ).first()
        if account is None:
            raise ArchiveError(
                _(
                    "No relay account has the id %(id)s of this archive: name its relay account "
                    "(one of %(known)s), or give the account that id."
                )
                % {"id": own.user_id, "known": relay_account_handles()}
            )
    else:
        raise ArchiveError(
            _("The archive does not say whose it is: name its relay account (one of %(known)s).")
            % {"known": relay_account_handles()}
        )
    if account is None:
        raise ArchiveError(
            _(
                "@%(handle)s is not a relay account of this site. Relay accounts: %(known)s. "
                "Add it under SOchef → Relay accounts first."
            )
            % {"handle": wanted, "known": relay_account_handles()}
        )
    if own and own.user_id and account.platform_id and account.platform_id != own.user_id:
        raise ArchiveError(
            _("This archive is of the account %(own)s, and @%(handle)s is %(id)s.")
            % {"own": own.user_id, "handle": account.handle, "id": account.platform_id}
        )
    if account.platform != archive.platform:
        raise ArchiveError(
            _("This is an archive of %(archive)s, and @%(handle)s is a %(platform)s account.")
            % {
                "archive": Platform(archive.platform).label,
                "handle": account.handle,
                "platform": account.get_platform_display(),
            }
        )
    return account, (own.user_id if own else "")


@dataclass
class _Span:
    """How many tweets, and from when to when."""

    tweets: int = 0
    first: datetime.datetime | None = None
    last: datetime.datetime | None = None

    def extend(self, times):
        """Widen first/last to ``times`` (None among them is ignored)."""
        moments = [moment for moment in (*times, self.first, self.last) if moment is not None]
        if moments:
            self.first, self.last = min(moments), max(moments)


@dataclass
class _Scan(_Span):
    new: int = 0
    present: int = 0
    duplicates: int = 0
    media: int = 0
    #: ``{member: _Span}`` of the members read: their tweets (new or present).
    members: dict = field(default_factory=dict)


def _scan(archive, account, spool, progress):
    """Read and check every tweet, and spool the new ones (pickled, batch by batch) to ``spool``.

    A member imported whole before (``ImportedMember``: the same content) is not read: its
    tweets are present. Of the others a tweet's id is read first: only tweets that are not
    stored yet are normalised. Memory holds one batch and the ids met, 8 bytes each
    (``_IdSet``). The second pass reads the spool, not the archive.
    """
    known = _known_members(archive, account)
    members = [member for member in archive.tweet_members if member not in known]
    total = sum(archive.member_signature(member)[0] for member in members)
    done, reported = 0, 0
    step = max(total // 200, 1)

    def on_read(count):
        nonlocal done, reported
        done += count
        if done - reported >= step:
            reported = done
            progress(READING, done, total)

    writer = TweetWriter(connections[router.db_for_write(Tweet)], account)
    progress(READING, 0, total)
    scan, ids = _read(archive, members, spool, on_read, writer, repeated=None)
    repeated = ids.repeated()
    if repeated:
        # A tweet twice in the archive (X's never are): read again, keeping its first copy.
        spool.seek(0)
        spool.truncate()
        scan, _ids = _read(archive, members, spool, lambda count: None, writer, repeated)
    for record in known.values():
        scan.present += record.tweets
        scan.extend([record.first, record.last])
    progress(READING, total, total)
    return scan


def _known_members(archive, account):
    """``{member: ImportedMember}`` of the archive's tweet members imported whole into
    ``account`` before. Only a member whose size and CRC-32 match a record is unpacked, to
    compare its SHA-256."""
    records = {}
    for record in ImportedMember.objects.filter(account=account):
        records.setdefault((record.size, record.crc32), []).append(record)
    known = {}
    for member in archive.tweet_members:
        candidates = records.get(archive.member_signature(member))
        if candidates:
            digest = archive.member_digest(member)
            found = next((record for record in candidates if record.sha256 == digest), None)
            if found:
                known[member] = found
    return known


def _imported_members(archive, account, scan):
    """The ``ImportedMember`` records of the members ``scan`` read, once their tweets are
    stored."""
    records = []
    for member, span in scan.members.items():
        size, crc32 = archive.member_signature(member)
        records.append(
            ImportedMember(
                account=account,
                size=size,
                crc32=crc32,
                sha256=archive.digests[member],
                tweets=span.tweets,
                first=span.first,
                last=span.last,
            )
        )
    return records


def _read(archive, members, spool, on_read, writer, repeated):
    """One reading of ``members`` for ``_scan``; ``repeated`` is None or the set of ids met
    more than once, whose copies after the first are skipped."""
    scan, ids, met = _Scan(), _IdSet(), set()
    for member in members:
        scan.members[member] = span = _Span()
        for batch in batched(archive.iter_entries(on_read, [member]), BATCH_SIZE):
            entries = {}
            for _member, number, raw in batch:
                tweet_id = archive.tweet_id(member, number, raw)
                if repeated is not None and tweet_id in repeated:
                    if tweet_id in met:
                        scan.duplicates += 1
                        continue
                    met.add(tweet_id)
                ids.add(tweet_id)
                entries[tweet_id] = (member, number, raw)
            present = existing_tweet_ids(list(entries))
            new = [archive.normalize(*item) for key, item in entries.items() if key not in present]
            times = [row.created_at for row in new]
            if present:
                times += [
                    moment
                    for moment in Tweet.objects.filter(tweet_id__in=present)
                    .aggregate(first=Min("created_at"), last=Max("created_at"))
                    .values()
                    if moment is not None
                ]
            scan.extend(times)
            span.extend(times)
            span.tweets += len(entries)
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
    written otherwise (a leading zero, too long, another platform's) is kept as it is.
    """

    BUCKETS = 64

    def __init__(self):
        self.buckets = [array.array("q") for _ in range(self.BUCKETS)]
        self.others = []

    def add(self, tweet_id):
        # Only an X id is a number: Bluesky's and Mastodon's are addresses.
        if len(tweet_id) < 19 and tweet_id.isascii() and tweet_id.isdigit() and tweet_id[0] != "0":
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

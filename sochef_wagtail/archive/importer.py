"""Importing an archive (X's ZIP, Mastodon's export, Bluesky's repository: ``opening``): the one
function behind the command, the admin view and the task.

One pass, in one transaction: each batch of tweets read is checked, and its new tweets
normalised and stored by a writer thread (``writer``) while the next batch is read, so that the
database writes while Python normalises. Whatever fails (a broken archive, the database) rolls
back everything; a dry run is an import rolled back, its counts the import's.
Each tweet member read is recorded (``ImportedMember``) with the import: importing the same
member again counts its tweets as present without parsing it, so importing an archive a second
time unpacks it once and writes nothing.
"""

import contextlib
import datetime
import gc
import posixpath
import shutil
import tempfile
from dataclasses import dataclass, field

from django.db import router, transaction
from django.utils.translation import gettext as _

from ..accounts import RelayAccount, relay_account_handles, relay_account_named
from ..choices import Platform
from ..dates import local_date
from .formats import UNPACK_ERRORS, ArchiveError, unpack_error
from .models import ImportedMember, Tweet
from .opening import open_archive
from .store import BATCH_SIZE, batched, tweet_store, unlogged_queries
from .writer import Writer

# Media files up to this size are unpacked in memory, larger ones to a temporary file.
SPOOL_IN_MEMORY = 8 * 1024 * 1024

#: New objects between two collections of the youngest generation during an import: about
#: a batch's.
YOUNG_OBJECTS = 50_000

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
    using = router.db_for_write(Tweet)
    with _frozen_heap(), unlogged_queries(), open_archive(file) as archive:
        account, archive_user_id = _relay_account(archive, handle)
        known = _known_members(archive, account)
        members = [member for member in archive.tweet_members if member not in known]
        # A dry run stores no media file: its rows are rolled back, files would stay.
        opener = None if dry_run else _MediaOpener(archive)
        with transaction.atomic(using=using):
            with tweet_store(account, open_media=opener) as store:
                with Writer(using) as writer:
                    scan = _read(archive, members, store, writer, progress)
                if dry_run:
                    transaction.set_rollback(True, using=using)
            if not dry_run:
                ImportedMember.objects.bulk_create(
                    _imported_members(archive, account, scan), ignore_conflicts=True
                )
                if archive_user_id and not account.platform_id:
                    RelayAccount.objects.filter(pk=account.pk, platform_id="").update(
                        platform_id=archive_user_id
                    )
        for record in known.values():
            scan.present += record.tweets
            scan.extend([record.first, record.last])
        stored = store.result
        return ImportResult(
            handle=account.handle,
            imported=stored.created,
            present=scan.present + stored.present,
            duplicates=scan.duplicates + stored.duplicates,
            media=stored.media,
            media_not_archived=stored.media_not_archived,
            first=scan.first,
            last=scan.last,
            dry_run=dry_run,
            skipped=archive.skipped,
        )


@contextlib.contextmanager
def _frozen_heap():
    """Keep the objects that exist before the import out of the garbage collector's full
    collections while it runs, and collect the young ones once a batch rather than every 700
    new objects.

    Each batch's tweets live long enough to reach the oldest generation, which then fills
    often enough for dozens of full collections over 100,000 tweets, each going through every
    object of Django, Wagtail and the site: a tenth of the import's time. A batch is some
    50,000 new objects (its tweets as read and as normalised), hardly any of them in a cycle:
    collected at the default threshold each went through several collections, a sixth of the
    time of an import on SQLite.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
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
    #: ``{member: _Span}`` of the members read: their tweets (new or present).
    members: dict = field(default_factory=dict)


def _read(archive, members, store, writer, progress):
    """Read and check every tweet of ``members``; ``writer`` stores the new ones (``store``)
    while the next batch is read and normalised.

    Only tweets that are not stored yet are normalised: the writer is asked which are, a batch
    ahead, so that neither waits for the other. Memory holds a few batches.
    """
    total = sum(archive.member_signature(member)[0] for member in members)
    done, reported = 0, 0
    step = max(total // 200, 1)

    def on_read(count):
        nonlocal done, reported
        done += count
        if done - reported >= step:
            reported = done
            progress(READING, done, total)

    progress(READING, 0, total)
    scan = _Scan(members={member: _Span() for member in members})
    batches = (
        (member, batch)
        for member in members
        for batch in batched(archive.iter_entries(on_read, [member]), BATCH_SIZE)
    )
    stored = []  # (span, new tweets, Future of their StoreResult) of each batch
    following = _checked(archive, store, writer, next(batches, None))
    while following:
        member, entries, copies, present = following
        # The next batch's ids go to the writer before this batch's tweets: it checks them
        # while this batch is normalised.
        following = _checked(archive, store, writer, next(batches, None))
        present = present.result()
        stored_already = present.ids | present.again
        new = [
            archive.normalize(*entry) for key, entry in entries.items() if key not in stored_already
        ]
        span = scan.members[member]
        stored.append((span, len(new), writer.submit(store.add, new, checked=True)))
        times = [row.created_at for row in new] + present.times
        scan.extend(times)
        span.extend(times)
        span.tweets += len(entries) - len(present.again)
        scan.present += len(present.ids)
        scan.duplicates += copies + len(present.again)
        scan.new += len(new)
    progress(READING, total, total)
    saved = 0
    for span, count, future in stored:
        # Copies of a tweet of the batch before, which the writer had not stored yet when it
        # checked this batch: it counts them.
        span.tweets -= future.result().duplicates
        saved += count
        progress(SAVING, saved, scan.new)
    return scan


def _checked(archive, store, writer, item):
    """``(member, {tweet id: entry}, copies, Future of store.present)`` of ``item``, a batch of
    the entries of ``member``, keeping the first copy of a tweet met twice; None for None."""
    if item is None:
        return None
    member, batch = item
    entries = {}
    for _member, number, raw in batch:
        entries.setdefault(archive.tweet_id(member, number, raw), (member, number, raw))
    return member, entries, len(batch) - len(entries), writer.submit(store.present, list(entries))


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


class _MediaOpener:
    """Hands the ``TweetStore`` the archive's file of each media."""

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

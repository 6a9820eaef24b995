"""Importing an X archive ZIP: the one function behind the command, the admin view and the task.

Two passes over the archive: the first reads and checks every tweet and learns which are new,
without writing; the second, only when there is something new, stores them in one transaction.
A broken archive is therefore refused before anything is written, and importing an archive a
second time reads it once and writes nothing.
"""

import datetime
import posixpath
import zipfile
import zlib
import zoneinfo
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..accounts import RelayAccount
from ..conf import app_settings
from .formats import ArchiveError, TweetArchive
from .store import existing_tweet_ids, store_tweets

#: Phases told to ``progress(phase, done, total)``: bytes of tweets read, then tweets stored.
READING, SAVING = "reading", "saving"


@dataclass
class ImportResult:
    handle: str
    imported: int = 0
    present: int = 0
    duplicates: int = 0
    media: int = 0
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
        return (
            _(
                "Imported %(imported)s, already present %(present)s, media %(media)s, "
                "for @%(handle)s, %(first)s – %(last)s."
            )
            % values
        )


def import_archive(file, *, handle="", dry_run=False, progress=None):
    """Import the archive ZIP ``file`` (a path or a binary file object) into its relay account.

    ``handle`` must name the archive's own account, and is required when the archive does not
    say whose it is. Raises ``ArchiveError`` (a one-line message) and writes nothing when the
    archive cannot be imported. ``progress(phase, done, total)`` is told how far it got.
    """
    progress = progress or (lambda phase, done, total: None)
    with TweetArchive(file) as archive:
        account, archive_user_id = _relay_account(archive, handle)
        scan = _scan(archive, progress)
        result = ImportResult(
            handle=account.handle,
            present=len(scan.present),
            duplicates=scan.duplicates,
            media=sum(scan.media_counts.get(tweet_id, 0) for tweet_id in scan.new),
            first=scan.first,
            last=scan.last,
            dry_run=dry_run,
            imported=len(scan.new),
        )
        if dry_run or not scan.new:
            return result
        opener = _MediaOpener(archive)
        saved = 0

        def on_stored(count):
            nonlocal saved
            saved += count
            progress(SAVING, saved, len(scan.new))

        progress(SAVING, 0, len(scan.new))
        try:
            stored = store_tweets(
                account, _new_rows(archive, scan.new), open_media=opener, on_stored=on_stored
            )
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            raise ArchiveError(
                _("%(member)s: cannot be unpacked (%(error)s).")
                % {"member": opener.current, "error": str(error).splitlines()[0]}
            ) from None
        if archive_user_id and not account.x_user_id:
            RelayAccount.objects.filter(pk=account.pk, x_user_id="").update(
                x_user_id=archive_user_id
            )
        result.imported, result.media = stored.created, stored.media
        result.present += stored.present
        return result


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
    known = ", ".join(f"@{h}" for h in RelayAccount.objects.values_list("handle", flat=True))
    if not wanted:
        raise ArchiveError(
            _("The archive does not say whose it is: name its relay account (one of %(known)s).")
            % {"known": known or "–"}
        )
    account = RelayAccount.objects.filter(handle__iexact=wanted).first()
    if account is None:
        raise ArchiveError(
            _(
                "@%(handle)s is not a relay account of this site. Relay accounts: %(known)s. "
                "Add it under SOchef → Relay accounts first."
            )
            % {"handle": wanted, "known": known or "–"}
        )
    return account, (own.user_id if own and own.user_id.isdigit() else "")


@dataclass
class _Scan:
    new: set
    present: set
    duplicates: int
    media_counts: dict
    first: datetime.datetime | None
    last: datetime.datetime | None


def _scan(archive, progress):
    """Read and check every tweet; learn which are new. Keeps ids, not tweets."""
    total, done = archive.tweets_size, 0
    step = max(total // 200, 1)
    reported = 0

    def on_read(count):
        nonlocal done, reported
        done += count
        if done - reported >= step or done == total:
            reported = done
            progress(READING, done, total)

    ids, media_counts, duplicates = set(), {}, 0
    first = last = None
    progress(READING, 0, total)
    for _member, row in archive.iter_tweets(on_read=on_read):
        if row.tweet_id in ids:
            duplicates += 1
            continue
        ids.add(row.tweet_id)
        if row.media:
            media_counts[row.tweet_id] = len(row.media)
        if first is None or row.created_at < first:
            first = row.created_at
        if last is None or row.created_at > last:
            last = row.created_at
    progress(READING, total, total)
    present = existing_tweet_ids(list(ids))
    return _Scan(ids - present, present, duplicates, media_counts, first, last)


def _new_rows(archive, new_ids):
    remaining = set(new_ids)
    for _member, row in archive.iter_tweets():
        if row.tweet_id in remaining:
            remaining.discard(row.tweet_id)
            yield row


class _MediaOpener:
    """Hands ``store_tweets`` the archive's file of each media, remembering which it opened."""

    def __init__(self, archive):
        self.archive, self.current = archive, ""

    def __call__(self, row, media, taken):
        member = self.archive.media_member(row.tweet_id, media, taken)
        if member is None:
            return None
        taken.add(member)
        self.current = member
        return posixpath.basename(member), self.archive.open_member(member)


def _local_date(moment):
    if moment is None:
        return "–"
    return moment.astimezone(zoneinfo.ZoneInfo(app_settings.TIME_ZONE)).date().isoformat()

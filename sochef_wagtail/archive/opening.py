"""Which archive a file is, told by its content (not its name): X's ZIP in either layout,
Mastodon's export ZIP (``outbox.json``) or Bluesky's repository export (a CAR file).

Each kind is read by a class of its own with one interface, the one ``importer`` uses:
``platform``, ``account()``, ``tweet_members``, ``tweets_size``, ``member_signature``,
``member_digest``, ``iter_entries``, ``digests``, ``tweet_id``, ``normalize``, ``skipped``,
``media_member`` and ``open_member`` (see ``formats.ArchiveZip``); each is a context manager.
"""

import zipfile

from django.utils.translation import gettext as _

from .formats import UNPACK_ERRORS, ArchiveError, ArchiveZip

ZIP_MAGIC = b"PK\x03\x04"


def open_archive(file):
    """The archive in ``file`` (a path or a binary file object), opened and checked; raises
    ``ArchiveError`` (one line) for a file that is none of them or is broken."""
    from .bluesky_archive import BlueskyRepository
    from .mastodon_archive import MastodonArchive, is_mastodon_export

    head = _head(file)
    if head.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(file) as peek:
                names = peek.namelist()
        except (zipfile.LargeZipFile, *UNPACK_ERRORS):
            raise ArchiveError(_("The file is not a ZIP archive.")) from None
        finally:
            _rewind(file)
        return MastodonArchive(file) if is_mastodon_export(names) else ArchiveZip(file)
    if BlueskyRepository.recognises(head):
        return BlueskyRepository(file)
    raise ArchiveError(
        _(
            "The file is neither an archive ZIP (of X or Mastodon) nor a Bluesky repository "
            "(a CAR file)."
        )
    )


def _head(file, size=64):
    if isinstance(file, str | bytes) or hasattr(file, "__fspath__"):
        with open(file, "rb") as stream:
            return stream.read(size)
    head = file.read(size)
    _rewind(file)
    return head


def _rewind(file):
    if hasattr(file, "seek"):
        file.seek(0)

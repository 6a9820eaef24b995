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
#: The members that make a ZIP a Mastodon archive.
OUTBOX = "outbox.json"
ACTOR = "actor.json"


def open_archive(file):
    """The archive in ``file`` (a path or a binary file object), opened and checked; raises
    ``ArchiveError`` (one line) for a file that is none of them or is broken."""
    # Each platform's reader is imported for its own files: Bluesky's brings atproto, whose
    # memory an X import need not carry (the readers also build on this module's neighbours).
    head = _head(file)
    if head.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(file) as peek:
                names = peek.namelist()
        except (zipfile.LargeZipFile, *UNPACK_ERRORS):
            raise ArchiveError(_("The file is not a ZIP archive.")) from None
        finally:
            _rewind(file)
        if is_mastodon_export(names):
            from .mastodon_archive import MastodonArchive

            return MastodonArchive(file)
        return ArchiveZip(file)
    from .bluesky_archive import BlueskyRepository

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


def is_mastodon_export(names):
    """Whether the ZIP's member ``names`` are a Mastodon archive's: ``outbox.json`` (or its
    ``actor.json``) at the root or in one folder."""
    return mastodon_root(names) is not None


def mastodon_root(names):
    """The folder ("" or "name/") of the archive's outbox.json, else of its actor.json (an
    archive without its posts); None when there is neither."""
    for wanted in (OUTBOX, ACTOR):
        roots = [
            name.removesuffix(wanted)
            for name in names
            if name == wanted or (name.endswith("/" + wanted) and name.count("/") == 1)
        ]
        if roots:
            return min(roots)
    return None

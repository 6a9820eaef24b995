"""Reading the ZIP of Mastodon's "Request your archive": the account's posts as ActivityPub.

``outbox.json`` is an ``OrderedCollection`` whose ``orderedItems`` are the account's
activities: ``Create`` of a ``Note`` (or a poll's ``Question``) for a post, ``Announce`` for a
boost. ``actor.json`` is the account, ``media_attachments/files/…`` the posts' files. The
outbox of a large account is hundreds of MB: it is read as a stream, activity by activity,
never loaded whole. Only what the account published for everyone (public and unlisted posts)
is imported; the rest is counted in ``skipped``.

The ZIP is checked and read as ``formats.ArchiveZip`` reads X's (names leading out of their
folder, members too large or compressed too well, damaged members); a Note becomes a post as
the live fetch makes one of a status (``mastodon``), from the same sanitised content.
"""

import hashlib
import posixpath
import re
from urllib.parse import unquote, urlsplit

from django.utils.translation import gettext as _

from ..choices import Platform
from ..conf import app_settings
from ..text import safe_url
from .formats import (
    JSON_DECODER,
    UNPACK_ERRORS,
    ArchiveAccount,
    ArchiveError,
    ArchiveZip,
    Digesting,
    JsonWindow,
    first_line,
    unpack_error,
)
from .mastodon_text import MASTODON, cleaned, content_text, full_handle, status_uri
from .models import MediaKind, TweetSource
from .normalize import (
    MAX_MEDIA,
    InvalidTweet,
    MediaRow,
    TweetRow,
    _obj,
    _objs,
    _optional_int,
    _str,
    parse_created_at,
)
from .opening import ACTOR, OUTBOX, mastodon_root

MEDIA_FOLDER = "media_attachments/"
#: The audience of a post everyone may read: in ``to`` it is public, in ``cc`` unlisted.
PUBLIC = frozenset({"https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"})
#: The objects of a Create that are posts: a status, and a status with a poll.
POST_TYPES = frozenset({"Note", "Question"})
_REPLY_TO_STATUS = re.compile(r"^https://([^/?#@]+)/users/([^/?#]+)/statuses/[^/?#]+\Z")
_QUOTE_KEYS = ("quote", "quoteUri", "_misskey_quote")
#: A BCP 47 language tag as the language column holds it (sv, en-GB, zh-Hant).
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*\Z")


class MastodonArchive(ArchiveZip):
    """A Mastodon archive ZIP, checked on opening (as ``ArchiveZip`` checks X's) and its
    account read. Use as a context manager."""

    platform = Platform.MASTODON

    def __init__(self, file):
        super().__init__(file)
        self._skipped = {}
        try:
            self.actor = self._read_actor()
        except ArchiveError:
            self.zip.close()
            raise

    @property
    def skipped(self):
        """Activities of the members read that are no public post of the account's own."""
        return sum(self._skipped.values())

    # Checks on opening ------------------------------------------------------------------------

    def _find_tweets(self):
        root = mastodon_root(self.names) or ""
        if root + OUTBOX not in self.names:
            raise ArchiveError(
                _(
                    "%(outbox)s is missing: %(actor)s is in the ZIP, but not the posts of the "
                    "Mastodon archive."
                )
                % {"outbox": root + OUTBOX, "actor": root + ACTOR}
            )
        return "mastodon", root, [root + OUTBOX]

    def _index_media(self):
        """``{file name: member}`` of the media folder; of two files of one name, the
        original's."""
        media = {}
        for name in sorted(self.names):
            if name.startswith(self.root + MEDIA_FOLDER) and not name.endswith("/"):
                found = media.get(posixpath.basename(name))
                if found is None or ("/original/" in name and "/original/" not in found):
                    media[posixpath.basename(name)] = name
        return media

    def _read_actor(self):
        """The ``_Actor`` of actor.json, or None when the archive has none."""
        member = self.root + ACTOR
        if member not in self.names:
            return None
        limit = app_settings.ARCHIVE_MAX_ENTRY_SIZE
        try:
            with self.zip.open(member) as stream:
                data = stream.read(limit + 1)
        except UNPACK_ERRORS as error:
            raise unpack_error(member, error) from None
        if len(data) > limit:
            raise _too_large(member, limit)
        try:
            actor = JSON_DECODER.decode(data.decode("utf-8").lstrip("\ufeff"))
        except ValueError as error:  # a JSONDecodeError, a UnicodeDecodeError, NaN
            problem = _("invalid JSON (%(error)s)") % {"error": first_line(error)}
            raise ArchiveError(f"{member}: {problem}") from None
        actor = _Actor.of(actor)
        if actor is None:
            raise ArchiveError(
                _(
                    "%(member)s: its “preferredUsername” and “id” do not make a Mastodon "
                    "handle (user@instance)."
                )
                % {"member": member}
            )
        return actor

    # What the archive holds -------------------------------------------------------------------

    def account(self):
        """The account the archive belongs to (Mastodon's archive has no account number), or
        None when it has no actor.json."""
        return ArchiveAccount(self.actor.handle, "") if self.actor else None

    def iter_entries(self, on_read=None, members=None):
        """Yield ``(member, number, Note)`` for every public post of the account in
        ``members`` (default: outbox.json), ``number`` counting the outbox's activities from 0;
        the others are counted in ``skipped``. Once a member is read to its end,
        ``digests[member]`` is the SHA-256 of its content.

        ``on_read(n)`` is called with the number of bytes read as they are read.
        """
        for member in self.tweet_members if members is None else members:
            self._skipped[member] = 0  # read again: counted again
            digest = hashlib.sha256()
            for number, activity in enumerate(self._activities(member, on_read, digest)):
                note = self._public_post(member, number, activity)
                if note is None:
                    self._skipped[member] += 1
                else:
                    yield member, number, note
            self.digests[member] = digest.hexdigest()

    def tweet_id(self, member, number, raw):
        """The post's id: the Note's ActivityPub id; ``ArchiveError`` when it has none."""
        if raw.get("id") in (None, ""):
            raise _invalid_activity(member, number, _("the post has no “id”"))
        post_id = status_uri(raw.get("id"))
        if not post_id:
            raise _invalid_activity(
                member,
                number,
                _("the post's id %(id)s is not the https:// address of a status")
                % {"id": _shown(raw.get("id"))},
            )
        return post_id

    def normalize(self, member, number, raw):
        """The ``TweetRow`` of the Note ``raw``, as the live fetch makes one of its status."""
        post_id = self.tweet_id(member, number, raw)
        published = raw.get("published")
        if not isinstance(published, str) or not published:
            raise _invalid_activity(member, number, _("the post has no “published” time"))
        try:
            created_at = parse_created_at(published, post_id)
        except InvalidTweet:
            raise _invalid_activity(
                member,
                number,
                _("“published” is not a time with its time zone: %(value)s")
                % {"value": _shown(published)},
            ) from None
        instance = self.actor.instance if self.actor else urlsplit(post_id).hostname or ""
        quoted = next(filter(None, (_post_uri(raw.get(key)) for key in _QUOTE_KEYS)), "")
        text, entities = content_text(
            raw.get("content"), _mentions(raw.get("tag")), instance, quoted=bool(quoted)
        )
        warning = cleaned(raw.get("summary")).strip()
        reply_to = _post_uri(raw.get("inReplyTo"))
        return TweetRow(
            tweet_id=post_id,
            created_at=created_at,
            text=text,
            entities=entities,
            source=TweetSource.ARCHIVE,
            in_reply_to_tweet_id=reply_to,
            in_reply_to_handle=_author_handle(reply_to),
            is_quote=bool(quoted),
            quoted_tweet_id=quoted,
            lang=_language(raw.get("contentMap")),
            like_count=_total(raw.get("likes")),
            retweet_count=_total(raw.get("shares")),
            possibly_sensitive=bool(warning) or raw.get("sensitive") is True,
            content_warning=warning,
            media=_media(raw.get("attachment")),
        )

    def media_member(self, tweet_id, media, taken):
        """The member holding ``media`` (a file of media_attachments/ named as its
        attachment's), not one in ``taken``; None when the archive lacks it."""
        for name in media.file_names:
            member = self.media.get(name)
            if member and member not in taken:
                return member
        return None

    # Reading members --------------------------------------------------------------------------

    def _activities(self, member, on_read, digest):
        try:
            with self.zip.open(member) as stream:
                yield from _OrderedItems(Digesting(stream, digest), member, on_read)
        except UNPACK_ERRORS as error:
            raise unpack_error(member, error) from None

    def _public_post(self, member, number, activity):
        """The Note of ``activity`` when it is the account's public or unlisted post, None for
        any other activity (a boost, a post for followers or those mentioned only)."""
        if not isinstance(activity, dict):
            raise _invalid_activity(member, number, _("the activity is not a JSON object"))
        kind = activity.get("type")
        if not isinstance(kind, str) or not kind:
            raise _invalid_activity(member, number, _("the activity has no “type”"))
        if kind != "Create":
            return None  # an Announce: a boost
        note = activity.get("object")
        if not isinstance(note, dict):
            raise _invalid_activity(
                member, number, _("the Create activity does not hold its post (“object”)")
            )
        if _str(note.get("type")) not in POST_TYPES or not self._own(note):
            return None
        audience = _addresses(note.get("to")) | _addresses(note.get("cc"))
        return note if audience & PUBLIC else None

    def _own(self, note):
        author = note.get("attributedTo")
        author = _obj(author).get("id", author)
        return not (self.actor and isinstance(author, str) and author != self.actor.id)


class _Actor:
    """The account of actor.json: its ActivityPub id, handle and instance."""

    def __init__(self, actor_id, handle):
        self.id, self.handle = actor_id, handle
        self.instance = handle.partition("@")[2]

    @classmethod
    def of(cls, actor):
        """The ``_Actor`` of actor.json's JSON ``actor``, or None when it names none."""
        actor = _obj(actor)
        actor_id = safe_url(actor.get("id")) or ""
        user = actor.get("preferredUsername")
        if not actor_id.startswith("https://") or not isinstance(user, str):
            return None
        handle = full_handle(user, urlsplit(actor_id).hostname or "")
        return cls(actor_id, handle) if MASTODON.is_handle(handle) else None


class _OrderedItems(JsonWindow):
    """The entries of the ``orderedItems`` array of outbox.json's collection object, one by
    one, read in chunks by ``formats.JsonWindow`` as X's members are (one JSON value decoded at
    a time, none larger than ``ARCHIVE_MAX_ENTRY_SIZE``), wherever the array is among the
    collection's keys."""

    def __init__(self, stream, member, on_read):
        super().__init__(stream, member, on_read)
        self._where = ""

    def __iter__(self):
        self._more()
        if self._text.startswith("\ufeff"):
            self._at = 1
        char = self._skip_space()
        if not char:
            raise self._cut_off()
        if char != "{":
            raise self._refused(_("not a JSON object (an ActivityPub collection)"))
        self._at += 1
        found, kind, first = False, None, True
        while True:
            char = self._skip_space()
            if not char:
                raise self._cut_off()
            if char == "}":
                self._at += 1
                break
            if not first:
                self._expect(",", char)
                char = self._skip_space()
            first = False
            if char != '"':
                raise self._invalid(f"expected a key but found {char!r}")
            self._where = ""
            key = self._entry()
            self._expect(":", self._skip_space())
            char = self._skip_space()
            self._where = f"“{key}”"
            if key == "orderedItems":
                if found:
                    raise self._refused(_("“orderedItems” is there twice"))
                if char != "[":
                    raise self._refused(_("“orderedItems” is not an array"))
                found = True
                yield from self._items()
            else:
                value = self._entry()
                kind = value if key == "type" else kind
        self._end()
        if not found:
            raise self._refused(_("no “orderedItems” array of activities"))
        if kind not in ("OrderedCollection", "Collection"):
            raise self._refused(
                _("its “type” is %(type)s, not OrderedCollection") % {"type": _shown(kind)}
            )

    def _items(self):
        self._at += 1
        number = 0
        while True:
            char = self._skip_space()
            if not char:
                raise self._cut_off()
            if char == "]":
                self._at += 1
                return
            if number:
                self._expect(",", char)
                self._skip_space()
            number += 1
            self._where = number  # put into words only for a message: it is every activity
            yield self._entry()

    def _expect(self, wanted, char):
        if char != wanted:
            raise self._invalid(f"expected “{wanted}” but found {char!r}")
        self._at += 1

    def _end(self):
        """Check that only white space follows the collection, reading it chunk by chunk."""
        while True:
            if self._text[self._at :].strip(" \t\r\n"):
                raise self._invalid("more data after the end")
            self._at = len(self._text)
            if not self._more():
                return

    def _check_size(self):
        pending = len(self._text) - self._at
        if pending * 4 > self._max_entry and (
            len(self._text[self._at :].encode("utf-8", "surrogatepass")) > self._max_entry
        ):
            where = f"{self._member}, {_place(self._where)}" if self._where else self._member
            raise _too_large(where, self._max_entry)

    def _refused(self, problem):
        return ArchiveError(f"{self._member}: {problem}.")


def _place(where):
    """Where in outbox.json: a key's name, or the number of an activity."""
    if isinstance(where, int):
        return _("activity number %(number)s") % {"number": where}
    return where


def _invalid_activity(member, number, problem):
    where = _("activity number %(number)s") % {"number": number + 1}
    return ArchiveError(f"{member}, {where}: {problem}.")


def _too_large(where, limit):
    return ArchiveError(
        _(
            "%(where)s: larger than %(limit)s bytes (SOCHEF_ARCHIVE_MAX_ENTRY_SIZE), more "
            "than any Mastodon archive holds; refusing the archive."
        )
        % {"where": where, "limit": limit}
    )


def _shown(value):
    """A value from the archive, cut short, for a message."""
    return repr(value)[:60] if not isinstance(value, str) else repr(value[:60])


# The Note's fields ---------------------------------------------------------------------------


def _addresses(value):
    """The addresses of ``to`` or ``cc``: one, or a list of them."""
    values = value if isinstance(value, list) else [value]
    return {item for item in values if isinstance(item, str)}


def _post_uri(value):
    """The https:// id of the post ``value`` names (an id, or an object with its id), or ""."""
    return status_uri(_obj(value).get("id", value))


def _author_handle(post_uri):
    """user@instance of the author of the Mastodon status ``post_uri``
    (https://instance/users/user/statuses/id), else ""."""
    match = _REPLY_TO_STATUS.match(post_uri)
    return full_handle(unquote(match[2]), match[1]) if match else ""


def _mentions(tags):
    """The Note's Mention tags as the mentions of a status that ``content_text`` reads: the
    mentioned account's acct (user@instance, or user on the account's own instance), its
    username and its address."""
    mentions = []
    for tag in _objs(tags if isinstance(tags, list) else [tags]):
        if tag.get("type") == "Mention":
            acct = _str(tag.get("name")).strip().removeprefix("@")
            href = _str(tag.get("href"))
            mentions.append({"acct": acct, "username": acct.partition("@")[0], "url": href})
    return mentions


def _language(content_map):
    """The language tag of the Note's ``contentMap`` (``{"sv": content}``), or ""."""
    language = next(iter(_obj(content_map)), "")
    return language if _LANGUAGE_TAG.match(language) else ""


def _total(collection):
    """The ``totalItems`` of a Note's ``likes`` or ``shares``, 0 without one."""
    return _optional_int(_obj(collection).get("totalItems")) or 0


def _media(attachments):
    """``MediaRow``s of the Note's attachments: pictures and videos with a file name (the key
    of the file in media_attachments/ and of the row), once each."""
    rows, names = [], set()
    for attachment in _objs(attachments if isinstance(attachments, list) else [attachments]):
        kind = _media_kind(attachment.get("mediaType"))
        path = _archive_path(attachment.get("url"))
        name = posixpath.basename(path)
        if kind is None or not name or name in names:
            continue
        names.add(name)
        url = safe_url(attachment.get("url")) or ""
        rows.append(
            MediaRow(
                media_key=name[:100],
                kind=kind,
                position=len(rows),
                alt_text=cleaned(attachment.get("name")),
                width=_optional_int(attachment.get("width")),
                height=_optional_int(attachment.get("height")),
                original_url=url if url.startswith("https://") and len(url) <= 500 else "",
                file_names=(name,),
            )
        )
        if len(rows) == MAX_MEDIA:
            break
    return rows


def _media_kind(media_type):
    """A picture (a GIF too: it is stored as the picture it is), or a video; None for other
    files. Mastodon's GIFs made videos ("gifv") are videos/mp4 in ActivityPub."""
    media_type = _str(media_type).lower()
    if media_type.startswith("image/"):
        return MediaKind.PHOTO
    if media_type.startswith(("video/", "audio/")):
        return MediaKind.VIDEO  # a <video> element plays sound too
    return None


def _archive_path(url):
    """The path an attachment's ``url`` names in the archive: Mastodon writes the path of its
    file's address (``/media_attachments/files/…``, without the ``/system/`` of a local
    storage)."""
    url = _obj(url).get("href", url)
    if not isinstance(url, str):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme not in ("", "http", "https"):
        return ""
    path = parts.path
    return unquote(path).lstrip("/").removeprefix("system/")

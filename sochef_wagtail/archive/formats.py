"""Reading the ZIP that X sends as "an archive of your data", in either of its layouts.

Members are JavaScript assignments (``window.YTD.tweets.part0 = [...]``) read as a stream after
the first ``=``, entry by entry with ``json``'s decoder, never executed and never loaded whole:
a 100,000-tweet archive is read in bounded memory. Everything that could hurt (names leading
out of their folder, members too large or compressed too well to be honest) is refused before
anything is read.
"""

import codecs
import datetime
import hashlib
import json
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.utils.translation import gettext as _

from ..choices import Platform
from ..conf import app_settings
from .normalize import (
    InvalidTweet,
    TweetFormat,
    is_id,
    normalize_tweet,
    parse_created_at,
    tweet_id,
    unescape_text,
)

CHUNK_SIZE = 64 * 1024
# Below this size a high compression ratio is normal (a JSON file of repeated keys).
RATIO_CHECK_MIN_SIZE = 1024 * 1024

# The account's own posts: its tweets, and since 2021 its posts in communities apart.
_CURRENT = re.compile(
    r"^(?P<root>(?:[^/]+/)*?)data/(?P<kind>tweets?|community-tweet)(?:-part(?P<part>\d+))?\.js$"
)
_GRAILBIRD = re.compile(r"^(?P<root>(?:[^/]+/)*?)data/js/tweets/(?P<month>\d{4}_\d{2})\.js$")
_MEDIA_FOLDERS = ("data/tweets_media/", "data/tweet_media/", "data/community_tweet_media/")
_MEDIA_NAME = re.compile(r"^(?P<tweet_id>\d+)-(?P<name>[^/]+)$")


@dataclass(frozen=True)
class _Variable:
    """The variable a member assigns, and how to name it in a message."""

    pattern: re.Pattern
    label: str


_TWEETS_VARIABLE = _Variable(
    re.compile(r"window\.YTD\.tweets?\.part\d+"), "window.YTD.tweets.partN"
)
_COMMUNITY_VARIABLE = _Variable(
    re.compile(r"window\.YTD\.community_tweet\.part\d+"), "window.YTD.community_tweet.partN"
)
_GRAILBIRD_VARIABLE = _Variable(
    re.compile(r"Grailbird\.data\.tweets_\d{4}_\d{2}"), "Grailbird.data.tweets_YYYY_MM"
)
_ACCOUNT_VARIABLE = _Variable(
    re.compile(r"window\.YTD\.account\.part\d+"), "window.YTD.account.part0"
)
_NOTE_VARIABLE = _Variable(
    re.compile(r"window\.YTD\.note_tweet\.part\d+"), "window.YTD.note_tweet.part0"
)
_USER_DETAILS_VARIABLE = _Variable(re.compile(r"(?:var\s+)?user_details"), "var user_details")

# What a long post's cut tweet and its note differ in: reply handles before the text, and
# t.co links, which X shortens again for the note.
_LEADING_HANDLES = re.compile(r"^(?:@\w+\s+)+", re.ASCII)
_SHORT_LINK = re.compile(r"https?://t\.co/\w+|…")
_SPACES = re.compile(r"\s+")


class ArchiveError(Exception):
    """The archive cannot be imported; the message names the member and what is wrong.

    The message is one printable line whatever the archive holds: a line break, a terminal's
    escape sequence or a NUL from a member's name or content is shown as its escape.
    """

    def __init__(self, message):
        super().__init__("".join(c if c.isprintable() else ascii(c)[1:-1] for c in message))


#: What a damaged member raises while it is unpacked: a broken ZIP or deflate stream, a CRC
#: that does not match, a member cut short or starting at an impossible offset, encryption or
#: an unknown compression method.
UNPACK_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    RuntimeError,
    NotImplementedError,
)


def unpack_error(member, error):
    """The ``ArchiveError`` of ``member``, which raised ``error`` (one of UNPACK_ERRORS)."""
    return ArchiveError(
        _("%(member)s: cannot be unpacked (%(error)s).")
        % {"member": member, "error": first_line(error)}
    )


def first_line(error):
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


@dataclass(frozen=True)
class ArchiveAccount:
    handle: str
    user_id: str


class ArchiveZip:
    """An X archive ZIP, checked on opening. Use as a context manager."""

    platform = Platform.X
    #: X's archives hold the account's own tweets only: none is skipped.
    skipped = 0

    def __init__(self, file):
        try:
            self.zip = zipfile.ZipFile(file)
            self.names = set(self.zip.namelist())
        except (zipfile.LargeZipFile, *UNPACK_ERRORS):
            # A central directory naming an unknown ZIP version raises NotImplementedError.
            raise ArchiveError(_("The file is not a ZIP archive.")) from None
        try:
            self._check_members()
            self.layout, self.root, self.tweet_members = self._find_tweets()
            self.media = self._index_media()
            self._note_index = _UNREAD
            self.digests = {}
        except ArchiveError:
            self.zip.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.zip.close()

    @property
    def format(self):
        return TweetFormat.GRAILBIRD if self.layout == "grailbird" else TweetFormat.ARCHIVE

    @property
    def tweets_size(self):
        """Bytes of tweet JSON to read: the scale of the progress bar."""
        return sum(self.zip.getinfo(name).file_size for name in self.tweet_members)

    # Checks on opening ------------------------------------------------------------------------

    def _check_members(self):
        max_size = app_settings.ARCHIVE_MAX_MEMBER_SIZE
        max_ratio = app_settings.ARCHIVE_MAX_COMPRESSION_RATIO
        for info in self.zip.infolist():
            name = info.filename
            path = PurePosixPath(name)
            if (
                path.is_absolute()
                or ".." in path.parts
                or "\\" in name
                or "\x00" in name
                or re.match(r"^[A-Za-z]:", name)
            ):
                raise ArchiveError(
                    _("%(member)s: the name leads out of its folder; refusing the archive.")
                    % {"member": name}
                )
            if info.file_size > max_size:
                raise ArchiveError(
                    _(
                        "%(member)s: %(size)s bytes once unpacked, more than the limit of "
                        "%(limit)s (SOCHEF_ARCHIVE_MAX_MEMBER_SIZE)."
                    )
                    % {"member": name, "size": info.file_size, "limit": max_size}
                )
            if info.file_size > RATIO_CHECK_MIN_SIZE and info.file_size > max_ratio * max(
                info.compress_size, 1
            ):
                raise ArchiveError(
                    _(
                        "%(member)s: compressed more than %(ratio)s to 1, which no archive "
                        "is: refusing a possible zip bomb."
                    )
                    % {"member": name, "ratio": max_ratio}
                )

    def _find_tweets(self):
        current, grailbird = [], []
        for name in self.zip.namelist():
            if match := _CURRENT.match(name):
                community = match["kind"] == "community-tweet"
                current.append((match["root"], community, int(match["part"] or 0), name))
            elif match := _GRAILBIRD.match(name):
                grailbird.append((match["root"], match["month"], name))
        found, layout = (current, "current") if current else (grailbird, "grailbird")
        if not found:
            raise ArchiveError(
                _(
                    "No tweets in this ZIP: expected data/tweets.js (an archive of X) or "
                    "data/js/tweets/YYYY_MM.js (an archive from before 2019)."
                )
            )
        root = min(entry[0] for entry in found)
        return layout, root, [entry[-1] for entry in sorted(found) if entry[0] == root]

    def _index_media(self):
        """``{tweet id: {file name without the id: member}}`` of the media folder."""
        media = {}
        folders = tuple(self.root + folder for folder in _MEDIA_FOLDERS)
        for name in self.zip.namelist():
            if name.startswith(folders) and not name.endswith("/"):
                match = _MEDIA_NAME.match(name.rsplit("/", 1)[-1])
                if match:
                    media.setdefault(match["tweet_id"], {})[match["name"]] = name
        return media

    # What the archive holds -------------------------------------------------------------------

    def account(self):
        """The account the archive belongs to, or None when the archive does not say."""
        if self.layout == "current":
            member = self.root + "data/account.js"
            if member in self.names:
                for item in self._items(member, _ACCOUNT_VARIABLE, "item.account"):
                    if account := _account(item, "username", "accountId"):
                        return account
        else:
            member = self.root + "data/js/user_details.js"
            if member in self.names:
                for item in self._items(member, _USER_DETAILS_VARIABLE, "", opening="{"):
                    if account := _account(item, "screen_name", "id"):
                        return account
        return None

    def iter_entries(self, on_read=None, members=None):
        """Yield ``(member, number, raw tweet)`` for every tweet of ``members`` (default: all
        tweet members), in the archive's order, as the archive holds it: ``tweet_id`` and
        ``normalize`` read it. Once a member is read to its end, ``digests[member]`` is the
        SHA-256 of its content.

        ``on_read(n)`` is called with the number of bytes read as they are read.
        """
        for member in self.tweet_members if members is None else members:
            variable = self._variable(member)
            digest = hashlib.sha256()
            items = self._items(member, variable, "item", on_read=on_read, digest=digest)
            for number, item in enumerate(items):
                yield member, number, item.get("tweet", item) if isinstance(item, dict) else item
            self.digests[member] = digest.hexdigest()

    def member_signature(self, member):
        """``(size, CRC-32)`` of ``member`` as the ZIP's directory gives them, read nothing."""
        info = self.zip.getinfo(member)
        return info.file_size, info.CRC

    def member_digest(self, member):
        """The SHA-256 of ``member``'s content, unpacked (and its CRC checked) but not parsed."""
        digest = hashlib.sha256()
        try:
            with self.zip.open(member) as stream:
                while chunk := stream.read(_DIGEST_CHUNK_SIZE):
                    digest.update(chunk)
        except UNPACK_ERRORS as error:
            raise unpack_error(member, error) from None
        return digest.hexdigest()

    def tweet_id(self, member, number, raw):
        """The id of the tweet ``raw``; ``ArchiveError`` when it has none."""
        try:
            return tweet_id(raw)
        except InvalidTweet as error:
            raise _invalid_tweet(member, number, error) from None

    def normalize(self, member, number, raw):
        """The ``TweetRow`` of ``raw``, with its long post's text if there is one."""
        if self._note_index is _UNREAD:
            self._note_index = self._notes()
        try:
            note = self._note_index.find(raw) if self._note_index else None
            return normalize_tweet(raw, self.format, note=note)
        except InvalidTweet as error:
            raise _invalid_tweet(member, number, error) from None

    def _variable(self, member):
        if self.layout == "grailbird":
            return _GRAILBIRD_VARIABLE
        community = _CURRENT.match(member)["kind"] == "community-tweet"
        return _COMMUNITY_VARIABLE if community else _TWEETS_VARIABLE

    def media_member(self, tweet_id, media, taken):
        """The member holding ``media`` of tweet ``tweet_id`` (not one in ``taken``), or None."""
        files = self.media.get(tweet_id)
        if not files:
            return None
        for name in media.file_names:
            if name in files and files[name] not in taken:
                return files[name]
        videos = media.kind != "photo"
        for name, member in sorted(files.items()):
            if member not in taken and name.lower().endswith(".mp4") == videos:
                return member
        return None

    def open_member(self, member):
        return self.zip.open(member)

    # Reading members --------------------------------------------------------------------------

    def _notes(self):
        member = self.root + "data/note-tweet.js"
        if self.layout != "current" or member not in self.names:
            return None
        notes = _NoteIndex()
        for item in self._items(member, _NOTE_VARIABLE, "item.noteTweet"):
            if isinstance(item, dict) and isinstance(item.get("core"), dict):
                notes.add(item)
        return notes

    def _items(self, member, variable, path, opening="[", on_read=None, digest=None):
        """Yield the entries of ``member``'s array (or its one object when ``opening`` is
        ``{``); ``path`` ``item.key`` yields ``entry[key]`` of the entries that have it.
        ``digest`` (a hashlib object) is updated with every byte read."""
        key = path.partition(".")[2]
        try:
            with self.zip.open(member) as stream:
                if digest is not None:
                    stream = Digesting(stream, digest)
                for item in _JsEntries(stream, member, variable, opening, on_read):
                    if not key:
                        yield item
                    elif isinstance(item, dict) and key in item:
                        yield item[key]
        except UNPACK_ERRORS as error:
            raise unpack_error(member, error) from None


_UNREAD = object()
_DIGEST_CHUNK_SIZE = 1024 * 1024


class Digesting:
    """A member's stream that hashes what is read from it."""

    def __init__(self, stream, digest):
        self._stream, self._digest = stream, digest

    def read(self, size=-1):
        chunk = self._stream.read(size)
        self._digest.update(chunk)
        return chunk


def _invalid_tweet(member, number, error):
    return ArchiveError(
        _("%(member)s, tweet number %(number)s: %(error)s")
        % {"member": member, "number": number + 1, "error": error}
    )


def _account(item, handle_key, id_key):
    """The ``ArchiveAccount`` an account member describes, or None; a user id that is not
    an X id is left out."""
    if not isinstance(item, dict) or not isinstance(item.get(handle_key), str):
        return None
    handle, user_id = item[handle_key].strip(), item.get(id_key)
    user_id = (
        str(user_id) if isinstance(user_id, str | int) and not isinstance(user_id, bool) else ""
    )
    return ArchiveAccount(handle, user_id if is_id(user_id) else "") if handle else None


class JsonWindow:
    """A member's JSON read in chunks through a window: ``_entry()`` decodes the value at the
    window's position with ``json``'s C decoder, reading more as long as it needs. Memory holds
    a chunk and a value; a value larger than ``ARCHIVE_MAX_ENTRY_SIZE`` is refused before the
    rest of it is read. Subclasses walk the member's structure (``_skip_space``, ``_entry``)."""

    def __init__(self, stream, member, on_read, start=b""):
        self._stream, self._member, self._on_read = stream, member, on_read
        self._max_entry = app_settings.ARCHIVE_MAX_ENTRY_SIZE
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._text, self._at, self._ended = self._decode(start), 0, False
        self._entries = 0

    def _decode(self, data, final=False):
        try:
            return self._decoder.decode(data, final)
        except UnicodeDecodeError as error:
            raise self._invalid(error) from None

    def _more(self):
        """Append the next chunk to the window (dropping what is read); False at the end."""
        if self._ended:
            return False
        chunk = self._stream.read(CHUNK_SIZE)
        if self._on_read and chunk:
            self._on_read(len(chunk))
        self._ended = not chunk
        self._text = self._text[self._at :] + self._decode(chunk, final=self._ended)
        self._at = 0
        return True

    def _skip_space(self):
        """Move past white space; the next character, or "" at the end of the member."""
        while True:
            self._at = _SPACE.match(self._text, self._at).end()
            if self._at < len(self._text):
                return self._text[self._at]
            if not self._more():
                return ""

    def _entry(self):
        """Decode the entry at the window's position, reading more as long as it needs."""
        while True:
            try:
                value, end = JSON_DECODER.raw_decode(self._text, self._at)
            except json.JSONDecodeError as error:
                # Only a string, or a token cut by the window's end, can be completed by the
                # next chunk; an error further back is one.
                unfinished = error.msg.startswith("Unterminated")
                if unfinished or error.pos + _LONGEST_TOKEN >= len(self._text):
                    if not self._ended:
                        self._check_size()
                        self._more()
                        continue
                    if unfinished or error.pos >= len(self._text.rstrip()):
                        raise self._cut_off() from None
                raise self._invalid(error) from None
            except ValueError as error:  # NaN or Infinity: not JSON
                raise self._invalid(error) from None
            # A number at the end of the window may go on in the next chunk.
            if end < len(self._text) or self._ended:
                break
            self._check_size()
            self._more()
        self._entries += 1
        self._at = end
        return value

    def _check_size(self):
        pending = len(self._text) - self._at
        if pending * 4 > self._max_entry and (
            len(self._text[self._at :].encode("utf-8", "surrogatepass")) > self._max_entry
        ):
            raise ArchiveError(
                _(
                    "%(member)s, entry number %(number)s: larger than %(limit)s bytes "
                    "(SOCHEF_ARCHIVE_MAX_ENTRY_SIZE), which no tweet of X is; refusing "
                    "the archive."
                )
                % {"member": self._member, "number": self._entries + 1, "limit": self._max_entry}
            )

    def _cut_off(self):
        return ArchiveError(
            f"{self._member}: " + _("the JSON ends too early: is the file cut off?")
        )

    def _invalid(self, error):
        problem = _("invalid JSON (%(error)s)") % {"error": first_line(error)}
        return ArchiveError(f"{self._member}: {problem}")


class _JsEntries(JsonWindow):
    """The entries of an X member's JSON after its ``name =``, one by one, tolerating a
    trailing ``;``. Checks the variable name, so that e.g. ``window.YTD.like.part0`` is not
    taken for tweets."""

    def __init__(self, stream, member, variable, opening, on_read):
        head = b""
        while not re.search(rb"=\s*\S", head) and len(head) < 1024:
            chunk = stream.read(256)
            if not chunk:
                break
            head += chunk
        name, equals, rest = head.partition(b"=")
        name = name.decode("utf-8", "replace").lstrip("\ufeff").strip()
        if not equals or not variable.pattern.fullmatch(name):
            raise ArchiveError(
                _("%(member)s does not start with “%(expected)s =” but with “%(found)s”.")
                % {"member": member, "expected": variable.label, "found": name[:40]}
            )
        if not rest.lstrip().startswith(opening.encode()):
            raise ArchiveError(
                _("%(member)s: “%(name)s” is not followed by “%(opening)s”.")
                % {"member": member, "name": name, "opening": opening}
            )
        if on_read:
            on_read(len(head))
        super().__init__(stream, member, on_read, rest)
        self._opening = opening

    def __iter__(self):
        self._skip_space()  # the opening, checked above
        if self._opening == "{":
            yield self._entry()
        else:
            self._at += 1
            after_entry = False
            while True:
                char = self._skip_space()
                if char == "]" or not char:
                    if not char:
                        raise self._cut_off()
                    self._at += 1
                    break
                if after_entry:
                    if char != ",":
                        raise self._invalid(f"expected “,” or “]” but found {char!r}")
                    self._at += 1
                    self._skip_space()
                yield self._entry()
                after_entry = True
        while self._more():
            pass
        if self._text[self._at :].strip(" \t\r\n;"):
            raise self._invalid("more data after the end")


def _refuse_constant(name):
    raise ValueError(f"{name} is not a JSON value")


JSON_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)
_SPACE = re.compile(r"[ \t\r\n]*")
# Longer than any literal, escape or delimiter an error can be reported at.
_LONGEST_TOKEN = 16


class _NoteIndex:
    """Long posts of ``data/note-tweet.js``, found by their time and the start of their text.

    Nothing in the archive names a note's tweet (a note's id is not its tweet's id): the tweet
    holds the first ~275 characters and a link, the note the whole text, both created in the
    same second. The texts are compared without what X changes between them (``_comparable``).
    """

    def __init__(self):
        self._by_second = {}

    def add(self, item):
        try:
            second = int(datetime.datetime.fromisoformat(item.get("createdAt")).timestamp())
        except (TypeError, ValueError, OverflowError):
            return
        self._by_second.setdefault(second, []).append(item["core"])

    def find(self, raw):
        if not isinstance(raw, dict):
            return None
        try:
            second = int(parse_created_at(raw.get("created_at", "")).timestamp())
        except ValueError:
            return None
        candidates = [
            note for s in range(second - 2, second + 3) for note in self._by_second.get(s, ())
        ]
        if not candidates:
            return None
        text = raw.get("full_text") or raw.get("text")
        if not isinstance(text, str):
            return None
        start = _comparable(text)[:100]
        if not start:
            return None
        for note in candidates:
            note_text = note.get("text")
            if isinstance(note_text, str) and _comparable(note_text).startswith(start):
                return note
        return None


def _comparable(text):
    """A tweet's or note's text without leading reply handles, t.co links, "…" and runs of
    white space, unescaped: what a cut tweet and its note have in common."""
    text = _LEADING_HANDLES.sub("", unescape_text(text)[0])
    return _SPACES.sub(" ", _SHORT_LINK.sub(" ", text)).strip()

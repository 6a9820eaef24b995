"""Bluesky's repository export ("Export my data" in the app's settings): a CAR file.

A CARv1 file is a DAG-CBOR header (``{version: 1, roots: [commit CID]}``) and then blocks, each
a CID and its DAG-CBOR bytes. The root is the signed commit ``{did, version, data, rev, …}``;
``data`` is the root of the Merkle search tree (MST) whose keys are ``collection/rkey`` and
whose values are the CIDs of the records. The repository knows its DID, not its handle.

atproto's ``CAR.from_bytes`` decodes every block of the file at once (``libipld.decode_car``):
over 500 MB for a CAR of 100,000 posts and as many likes (75 MB). Here the file is read once
from start to end, each block's SHA-256 checked against its CID, and only where each block is
kept (its CID and offset: under 200 bytes a block, 44 MB for that file's 253,000 blocks); the
MST and the records are then read from the file block by block and decoded with the same
decoder, libipld's. The tree is walked with a stack of its own (no recursion), each node once,
in key order, only the ranges of the collections imported.

Two collections are imported, each a member of its own: ``app.bsky.feed.post`` (the account's
posts and replies) and ``app.bsky.feed.repost`` (its reposts); likes, follows, the profile and
the rest are not read. A member's signature and digest are those of its keys and record CIDs,
which name the records' content: a later export whose posts did not change (only its likes,
say) counts them present without reading a record. Images are blobs, not in the export.

A record no post can be made of (any program may write records) is counted in ``skipped`` and
the rest imported, as the fetch does; a file that is no repository, or one damaged (blocks cut
off, not matching their CID, not DAG-CBOR, an MST with missing nodes, loops or keys out of
order), is refused whole with an ``ArchiveError``.
"""

import base64
import hashlib
import logging
import zlib

import libipld
from django.utils.translation import gettext as _

from ..choices import Platform
from ..conf import app_settings
from ..handles import PLATFORM_ID_MAX_LENGTH
from ..platforms import BLUESKY_DID, POST_ID_MAX_LENGTH, network
from .bluesky_records import POST, normalize_post, post_time, post_uri
from .formats import UNPACK_ERRORS, ArchiveAccount, ArchiveError, first_line
from .models import TweetSource
from .normalize import InvalidTweet, TweetRow, _obj

logger = logging.getLogger(__name__)

REPOST = "app.bsky.feed.repost"
#: The collections imported, each a member, in the order they are read.
COLLECTIONS = (POST, REPOST)
CAR_VERSION = 1
COMMIT_VERSIONS = (2, 3)
DAG_CBOR, RAW = 0x71, 0x55
SHA2_256 = 0x12
CHUNK_SIZE = 1024 * 1024
#: Bytes of a block's CID, at most, besides the record it names.
MAX_CID_SIZE = 64
#: A record key (rkey) as the atproto spec allows it.
_RKEY_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:~")
#: Dates a post can be shown with in any time zone; others are no author's.
_OFFSET_SHIFT = 32


class BlueskyRepository:
    """A Bluesky repository export (CAR file), checked on opening. Use as a context manager."""

    platform = Platform.BLUESKY

    @staticmethod
    def recognises(head):
        """Whether ``head`` (the first bytes of a file) starts like a CAR file: a varint, then
        a DAG-CBOR map whose first key is ``roots`` (CARv1) or ``version`` (CARv2's pragma)."""
        parsed = _varint(head, 0)
        if parsed is None or not 0 < parsed[0] <= CHUNK_SIZE:
            return False
        body = head[parsed[1] :]
        if not body or not 0xA1 <= body[0] <= 0xB7:
            return False
        return body[1:7] == b"\x65roots" or body[1:9] == b"\x67version"

    def __init__(self, file):
        self._source = _Source(file)
        try:
            self._index, root = _index_blocks(self._source)
            self._did, self._mst = self._commit(root)
            self._members = {collection: self._survey(collection) for collection in COLLECTIONS}
        except BaseException:
            self._source.close()
            raise
        self.tweet_members = [name for name, member in self._members.items() if member.records]
        if not self.tweet_members:
            self._source.close()
            raise ArchiveError(
                _("The Bluesky repository of %(did)s holds no posts or reposts.")
                % {"did": self._did}
            )
        self.digests = {}
        self._skipped = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._source.close()

    @property
    def skipped(self):
        """Records of the members read that no post could be made of."""
        return sum(self._skipped.values())

    @property
    def tweets_size(self):
        """Bytes of records to read: the scale of the progress bar."""
        return sum(self._members[member].size for member in self.tweet_members)

    def account(self):
        """The repository's account: its DID; the repository does not know its handle."""
        return ArchiveAccount(handle="", user_id=self._did)

    def member_signature(self, member):
        """``(size, CRC-32)`` of the collection ``member``: bytes of its records, and the
        CRC-32 of its keys and record CIDs."""
        found = self._members[member]
        return found.size, found.crc32

    def member_digest(self, member):
        """The SHA-256 of the repository's DID and the keys and record CIDs of ``member``."""
        return self._members[member].sha256

    def iter_entries(self, on_read=None, members=None):
        """Yield ``(member, number, row)`` for every usable record of ``members`` (default:
        all), in key order (the order of their record keys, which is mostly their time); the
        raw entry is already its ``TweetRow``, so that an unusable record is skipped here.
        ``on_read(n)`` is told the bytes of records read."""
        for member in self.tweet_members if members is None else members:
            skipped = 0
            for number, (key, cid) in enumerate(self._walk(member)):
                data = self._read(cid, key)
                if on_read:
                    on_read(len(data))
                row = self._row(key, cid, data)
                if row is None:
                    skipped += 1
                else:
                    yield member, number, row
            self._skipped[member] = skipped
            self.digests[member] = self._members[member].sha256

    def tweet_id(self, member, number, raw):
        return raw.tweet_id

    def normalize(self, member, number, raw):
        return raw

    def media_member(self, tweet_id, media, taken):
        """None: a repository export holds records, not their images (blobs)."""
        return None

    def open_member(self, member):
        raise KeyError(member)

    # Opening ----------------------------------------------------------------------------------

    def _commit(self, root):
        """The DID and the MST root of the commit ``root``."""
        if root not in self._index:
            raise ArchiveError(
                _("The CAR file lacks the commit %(cid)s it names as its root.")
                % {"cid": _cid_text(root)}
            )
        commit = _obj(self._decoded(root))
        did, version, data = commit.get("did"), commit.get("version"), commit.get("data")
        if (
            not isinstance(did, str)
            or len(did) > PLATFORM_ID_MAX_LENGTH
            or not BLUESKY_DID.match(did)
            or version not in COMMIT_VERSIONS
            or not isinstance(data, bytes)
        ):
            raise ArchiveError(
                _(
                    "The CAR file's root is not the commit of a Bluesky repository (of version "
                    "2 or 3, with a DID and an MST)."
                )
            )
        return did, data

    def _survey(self, collection):
        """The ``_Member`` of ``collection``: its records' count, size and digests, every
        record's block checked to be there."""
        member = _Member(hashlib.sha256(self._did.encode() + b"\n"))
        for key, cid in self._walk(collection):
            located = self._index.get(cid)
            if located is None:
                raise ArchiveError(
                    _("%(key)s: the CAR file lacks the record's block %(cid)s.")
                    % {"key": key, "cid": _cid_text(cid)}
                )
            member.add(key, cid, located & _LENGTH_MASK)
        member.sha256 = member.sha256.hexdigest()
        return member

    # Reading ----------------------------------------------------------------------------------

    def _read(self, cid, key=None):
        located = self._index.get(cid)
        if located is None:
            if key is None:
                raise ArchiveError(
                    _("The CAR file lacks the MST node %(cid)s: it is incomplete.")
                    % {"cid": _cid_text(cid)}
                )
            raise ArchiveError(
                _("%(key)s: the CAR file lacks the record's block %(cid)s.")
                % {"key": key, "cid": _cid_text(cid)}
            )
        return self._source.read_at(located >> _OFFSET_SHIFT, located & _LENGTH_MASK)

    def _decoded(self, cid):
        """The block ``cid`` (the commit or an MST node) decoded."""
        data = self._read(cid)
        try:
            return libipld.decode_dag_cbor(data)
        except (ValueError, RecursionError) as error:
            raise _not_dag_cbor(cid, error) from None

    def _walk(self, collection):
        """Yield ``(key, record CID)`` of the MST's keys in ``collection``, in key order.

        Iterative, depth first: the stack holds what is still to do in order, a subtree (with
        the keys it lies between, to skip it when they leave out the collection) or a key.
        Refuses a node met twice (a loop), a key not after the one before, a malformed node.
        """
        start, stop = f"{collection}/", f"{collection}0"  # "0" follows "/"
        stack = [(_SUBTREE, self._mst, None, None)]
        visited = set()
        previous = None
        while stack:
            kind, cid, low, high = stack.pop()
            if kind is _KEY:
                key = low
                if previous is not None and key <= previous:
                    raise ArchiveError(
                        _("The MST's keys are out of order at %(key)s: the repository is damaged.")
                        % {"key": key[:200]}
                    )
                previous = key
                if start <= key < stop:
                    yield key, cid
                continue
            if (high is not None and high <= start) or (low is not None and low >= stop):
                continue  # the subtree's keys all lie outside the collection
            if cid in visited:
                raise ArchiveError(
                    _("The MST reaches the node %(cid)s twice: the repository is damaged.")
                    % {"cid": _cid_text(cid)}
                )
            visited.add(cid)
            stack.extend(reversed(self._node_steps(cid, low, high)))

    def _node_steps(self, cid, low, high):
        """What a walk does at the MST node ``cid`` (between the keys ``low`` and ``high``), in
        order: its left subtree, then each key and the subtree after it."""
        node = self._decoded(cid)
        entries = node.get("e") if isinstance(node, dict) else None
        left = node.get("l") if isinstance(node, dict) else None
        if not isinstance(entries, list) or not _is_link(left):
            raise _malformed(cid)
        keys, steps, previous = [], [], b""
        for entry in entries:
            entry = _obj(entry)
            prefix, suffix = entry.get("p"), entry.get("k")
            value, right = entry.get("v"), entry.get("t")
            if (
                not isinstance(prefix, int)
                or isinstance(prefix, bool)
                or not 0 <= prefix <= len(previous)
                or not isinstance(suffix, bytes)
                or not isinstance(value, bytes)
                or not _is_link(right)
            ):
                raise _malformed(cid)
            previous = previous[:prefix] + suffix
            try:
                keys.append((previous.decode("ascii"), value, right))
            except UnicodeDecodeError:
                raise _malformed(cid) from None
        bounds = [low, *(key for key, _value, _right in keys), high]
        if left is not None:
            steps.append((_SUBTREE, left, bounds[0], bounds[1]))
        for number, (key, value, right) in enumerate(keys, 1):
            steps.append((_KEY, value, key, None))
            if right is not None:
                steps.append((_SUBTREE, right, bounds[number], bounds[number + 1]))
        return steps

    def _row(self, key, cid, data):
        """The ``TweetRow`` of the record ``key``, or None when no post can be made of it."""
        uri = f"at://{self._did}/{key}"
        collection, _slash, rkey = key.partition("/")
        try:
            record = as_json(libipld.decode_dag_cbor(data))
        except ValueError as error:
            raise _not_dag_cbor(cid, error) from None
        except RecursionError:  # nested deeper than the decoder goes: no post is
            record = None
        try:
            if len(uri) > POST_ID_MAX_LENGTH or not rkey or not set(rkey) <= _RKEY_CHARACTERS:
                raise InvalidTweet(f"{uri[:120]} has no usable record key")
            if collection == POST:
                return _post_row(uri, record)
            return _repost_row(uri, record)
        except InvalidTweet as error:
            logger.info("Bluesky record skipped: %s", error)
            return None


_KEY, _SUBTREE = "key", "subtree"
_LENGTH_MASK = (1 << _OFFSET_SHIFT) - 1


class _Member:
    """A collection of the repository, as ``member_signature`` and ``member_digest`` tell it."""

    def __init__(self, sha256):
        self.records = self.size = self.crc32 = 0
        self.sha256 = sha256

    def add(self, key, cid, size):
        named = key.encode() + b"\n" + cid
        self.records += 1
        self.size += size
        self.crc32 = zlib.crc32(named, self.crc32)
        self.sha256.update(named)


def _post_row(uri, record):
    row = normalize_post(uri, record)
    row.source = TweetSource.ARCHIVE
    return row


def _repost_row(uri, record):
    """A repost ``{subject: {uri, cid}, createdAt}``: the reposted post's address as its text
    (the post itself is not in the repository), under the repost's own id."""
    if not isinstance(record, dict) or record.get("$type", REPOST) != REPOST:
        raise InvalidTweet(f"{uri[:120]} is not a repost")
    subject = post_uri(_obj(record.get("subject")).get("uri"))
    if not subject:
        raise InvalidTweet(f"repost {uri[:120]} names no post")
    url = network(Platform.BLUESKY).post_url("", subject)
    link = {
        "start": 0,
        "end": len(url),
        "url": url,
        "expanded_url": url,
        "display_url": url.removeprefix("https://"),
    }
    return TweetRow(
        tweet_id=uri,
        created_at=post_time(record, {}, uri),
        text=url,
        entities={"urls": [link]},
        source=TweetSource.ARCHIVE,
        is_retweet=True,
    )


def as_json(value):
    """A decoded DAG-CBOR value in the lexicon's JSON form, as ``normalize_post`` reads it: a
    link (a CID, which the decoder gives as bytes) becomes ``{"$link": "bafy…"}``, other bytes
    ``{"$bytes": base64}``. Changes dicts and lists in place, without recursion."""
    if isinstance(value, bytes):
        return _bytes_as_json(value)
    stack = [value]
    while stack:
        container = stack.pop()
        if isinstance(container, dict):
            items = container.items()
        elif isinstance(container, list):
            items = enumerate(container)
        else:
            continue
        for key, item in list(items):
            if isinstance(item, bytes):
                container[key] = _bytes_as_json(item)
            elif isinstance(item, dict | list):
                stack.append(item)
    return value


def _bytes_as_json(value):
    if value[:1] == b"\x01":
        try:
            return {"$link": libipld.encode_cid(value)}
        except ValueError:
            pass
    return {"$bytes": base64.b64encode(value).decode().rstrip("=")}


def _is_link(value):
    return value is None or isinstance(value, bytes)


def _not_dag_cbor(cid, error):
    return ArchiveError(
        _("Block %(cid)s of the CAR file is not DAG-CBOR (%(error)s).")
        % {"cid": _cid_text(cid), "error": first_line(error)[:200]}
    )


def _malformed(cid):
    return ArchiveError(
        _("The MST node %(cid)s is malformed: the repository is damaged.") % {"cid": _cid_text(cid)}
    )


def _cid_text(cid):
    try:
        return libipld.encode_cid(cid)
    except ValueError:
        return cid.hex()[:80]


# The file ------------------------------------------------------------------------------------


class _Source:
    """The CAR's bytes: the file at a path (opened and closed here) or a binary file object
    (an upload; left open)."""

    def __init__(self, file):
        self._owned = isinstance(file, str | bytes) or hasattr(file, "__fspath__")
        try:
            self.stream = open(file, "rb") if self._owned else file  # noqa: SIM115
            self.stream.seek(0)
        except OSError as error:
            raise _unreadable(error) from None

    def read(self, size):
        try:
            return self.stream.read(size)
        except UNPACK_ERRORS as error:
            raise _unreadable(error) from None

    def read_at(self, offset, size):
        try:
            self.stream.seek(offset)
            data = self.stream.read(size)
        except UNPACK_ERRORS as error:
            raise _unreadable(error) from None
        if len(data) != size:
            raise _cut_off()
        return data

    def close(self):
        if self._owned:
            self.stream.close()


def _unreadable(error):
    return ArchiveError(
        _("The CAR file cannot be read (%(error)s).") % {"error": first_line(error)[:200]}
    )


def _cut_off():
    return ArchiveError(_("The CAR file ends too early: is it cut off? Export it again."))


class _Reader:
    """The file read once from its start, in chunks: varints, CIDs and blocks."""

    def __init__(self, source, limit):
        self.source, self.limit = source, limit
        self.buffer, self.at, self.offset = b"", 0, 0

    @property
    def position(self):
        return self.offset + self.at

    def fill(self, size):
        """Whether ``size`` bytes are there to read; reads chunks until they are, or the end."""
        while len(self.buffer) - self.at < size:
            chunk = self.source.read(max(CHUNK_SIZE, size))
            if not chunk:
                return False
            self.offset += self.at
            self.buffer = self.buffer[self.at :] + chunk
            self.at = 0
            if self.offset + len(self.buffer) > self.limit:
                raise ArchiveError(
                    _(
                        "The CAR file is larger than the limit of %(limit)s bytes "
                        "(SOCHEF_ARCHIVE_MAX_MEMBER_SIZE)."
                    )
                    % {"limit": self.limit}
                )
        return True

    def at_end(self):
        return not self.fill(1)

    def varint(self):
        self.fill(10)
        parsed = _varint(self.buffer, self.at)
        if parsed is None:
            raise _cut_off() if len(self.buffer) - self.at < 10 else _bad_varint(self.position)
        value, self.at = parsed
        return value

    def take(self, size):
        if not self.fill(size):
            raise _cut_off()
        data = self.buffer[self.at : self.at + size]
        self.at += size
        return data

    def cid(self, number):
        """The CID at the reader's position: a CIDv1 of DAG-CBOR or raw data, hashed with
        SHA-256; ``(its bytes, its digest)``."""
        self.fill(64)
        buffer, at = self.buffer, self.at
        fields = []
        for _field in range(4):  # version, codec, hash function, digest length
            parsed = _varint(buffer, at)
            if parsed is None:
                raise _cut_off() if len(buffer) - at < 10 else _bad_varint(self.position)
            fields.append(parsed[0])
            at = parsed[1]
        version, codec, function, length = fields
        if version != 1 or codec not in (DAG_CBOR, RAW) or function != SHA2_256 or length != 32:
            raise ArchiveError(
                _(
                    "Block number %(number)s of the CAR file has a CID that is not a CIDv1 "
                    "with SHA-256, as a Bluesky repository's are."
                )
                % {"number": number}
            )
        head = at - self.at
        cid = self.take(head + length)
        return cid, cid[head:]


def _index_blocks(source):
    """``({CID: offset << 32 | length}, root CID)`` of the CAR file, every block's content
    checked against its CID's SHA-256."""
    reader = _Reader(source, app_settings.ARCHIVE_MAX_MEMBER_SIZE)
    max_block = app_settings.ARCHIVE_MAX_ENTRY_SIZE
    if reader.at_end():
        raise _cut_off()
    size = reader.varint()
    if size > max_block:
        raise _too_large(0, max_block)
    try:
        header = libipld.decode_dag_cbor(reader.take(size))
    except (ValueError, RecursionError) as error:
        raise ArchiveError(
            _("The CAR file's header is not DAG-CBOR (%(error)s).") % {"error": str(error)[:200]}
        ) from None
    header = _obj(header)
    version = header.get("version")
    if version != CAR_VERSION or isinstance(version, bool):
        raise ArchiveError(
            _(
                "This is a CAR file of version %(version)s; Bluesky exports a repository as a "
                "CAR file of version 1."
            )
            % {"version": str(version)[:20]}
        )
    roots = header.get("roots")
    if not isinstance(roots, list) or not roots or not isinstance(roots[0], bytes):
        raise ArchiveError(_("The CAR file names no root: it is no Bluesky repository."))
    index = {}
    number = 0
    while not reader.at_end():
        number += 1
        size = reader.varint()
        if size > max_block + MAX_CID_SIZE:
            raise _too_large(number, max_block)
        start = reader.position
        cid, digest = reader.cid(number)
        length = size - (reader.position - start)
        if length < 0:
            raise _cut_off()
        offset = reader.position
        if hashlib.sha256(reader.take(length)).digest() != digest:
            raise ArchiveError(
                _("Block %(cid)s of the CAR file does not match its CID: the file is damaged.")
                % {"cid": _cid_text(cid)}
            )
        index.setdefault(cid, offset << _OFFSET_SHIFT | length)
    return index, roots[0]


def _too_large(number, limit):
    return ArchiveError(
        _(
            "Block number %(number)s of the CAR file is larger than %(limit)s bytes "
            "(SOCHEF_ARCHIVE_MAX_ENTRY_SIZE), more than atproto allows a record; refusing the "
            "repository."
        )
        % {"number": number, "limit": limit}
    )


def _bad_varint(position):
    return ArchiveError(
        _("The CAR file holds no length at byte %(position)s: it is no CAR file or is damaged.")
        % {"position": position}
    )


def _varint(data, at):
    """``(value, position after it)`` of the unsigned varint at ``data[at:]``, or None when
    the data ends inside it or it is longer than 9 bytes."""
    value = shift = 0
    for index in range(at, min(len(data), at + 9)):
        byte = data[index]
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, index + 1
        shift += 7
    return None

"""One normalising function: a tweet of either archive layout or the X API becomes a ``TweetRow``.

The three sources disagree on names, dates, number types and offsets; ``TweetRow`` is what the
``Tweet`` model stores (see its docstring for the format of ``entities``).
"""

import datetime
import enum
import functools
import html
import operator
import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..text import replace_control_characters
from .models import MediaKind, TweetSource

#: The largest count or size kept: PostgreSQL's ``integer`` columns hold no more.
MAX_COUNT = 2**31 - 1
#: Media kept per tweet (X attaches at most four).
MAX_MEDIA = 16


class TweetFormat(enum.StrEnum):
    #: ``data/tweets.js`` of a current archive: v1.1 tweet objects whose numbers are strings.
    ARCHIVE = "archive"
    #: ``data/js/tweets/YYYY_MM.js`` of a 2012–2018 "Grailbird" archive.
    GRAILBIRD = "grailbird"
    #: A tweet of the X API v2, as tweepy's ``Tweet.data``.
    API = "api"


class InvalidTweet(ValueError):
    """A tweet lacks a field every tweet has, or holds a value X never writes there."""


@dataclass(slots=True)
class MediaRow:
    media_key: str
    kind: str
    position: int
    alt_text: str = ""
    width: int | None = None
    height: int | None = None
    original_url: str = ""
    #: Archive file names without the "<tweet id>-" prefix, best first.
    file_names: tuple[str, ...] = ()


@dataclass(slots=True)
class TweetRow:
    tweet_id: str
    created_at: datetime.datetime
    text: str
    entities: dict
    source: str
    in_reply_to_tweet_id: str = ""
    in_reply_to_handle: str = ""
    in_reply_to_user_id: str = ""
    is_retweet: bool = False
    is_quote: bool = False
    quoted_tweet_id: str = ""
    lang: str = ""
    like_count: int = 0
    retweet_count: int = 0
    client: str = ""
    possibly_sensitive: bool = False
    #: What a Mastodon post warns of, shown instead of the general warning; "" elsewhere.
    content_warning: str = ""
    place_name: str = ""
    #: The versions of a tweet edited on X, oldest first, this one among them; () if never edited.
    edit_tweet_ids: tuple[str, ...] = ()
    media: list[MediaRow] = field(default_factory=list)

    @property
    def edited(self):
        """The latest version of a tweet edited on X."""
        return bool(self.edit_tweet_ids) and self.edit_tweet_ids[-1] == self.tweet_id

    @property
    def latest_version_id(self):
        """For an earlier version of a tweet edited on X, the latest version's id."""
        return "" if self.edited or not self.edit_tweet_ids else self.edit_tweet_ids[-1]

    def model_fields(self):
        """The ``Tweet`` fields of this row, without the account."""
        return {
            "tweet_id": self.tweet_id,
            "created_at": self.created_at,
            "text": self.text,
            "entities": self.entities,
            "source": self.source,
            "in_reply_to_tweet_id": self.in_reply_to_tweet_id,
            "in_reply_to_handle": self.in_reply_to_handle,
            "in_reply_to_user_id": self.in_reply_to_user_id,
            "is_retweet": self.is_retweet,
            "is_quote": self.is_quote,
            "quoted_tweet_id": self.quoted_tweet_id,
            "lang": self.lang,
            "like_count": self.like_count,
            "retweet_count": self.retweet_count,
            "client": self.client,
            "possibly_sensitive": self.possibly_sensitive,
            "content_warning": self.content_warning,
            "place_name": self.place_name,
            "latest_version_id": self.latest_version_id,
            "edited": self.edited,
        }


def tweet_id(raw):
    """The id of an archive's tweet ``raw``, without reading the rest of it."""
    if not isinstance(raw, dict):
        raise InvalidTweet("a tweet is not a JSON object")
    return _id(raw, "id_str", "id", required=True)


def normalize_tweet(raw, fmt, *, note=None, includes=None):
    """Turn one tweet of ``fmt`` into a ``TweetRow``; raise ``InvalidTweet`` when it is unusable.

    ``note`` is the long post of ``data/note-tweet.js`` (its ``core`` object) whose text replaces
    the archive's cut one. ``includes`` holds the API answer's expansions:
    ``{"media": {media_key: dict}, "users": {user_id: username}, "places": {id: name}}``.

    Archives are outside input: a value of the wrong type where X writes an optional one is
    read as absent, a wrong required one refuses the tweet; every string is made storable.
    """
    if not isinstance(raw, dict):
        raise InvalidTweet("a tweet is not a JSON object")
    if fmt == TweetFormat.API:
        return _read_api(raw, includes or {})
    return _read_v1(raw, _obj(note))


# Reading each source ------------------------------------------------------------------------


def _read_v1(raw, note):
    """The archive layouts hold v1.1 tweet objects; only their number types differ."""
    # 100,000 tweets an archive: optional objects X mostly leaves out are read only when present.
    get = raw.get
    tweet_id = _id(raw, "id_str", "id", required=True)
    text = _required_text(raw, tweet_id, "full_text", "text")
    entities = _obj(get("entities"))
    extended = get("extended_entities")
    media_entities = (extended and _objs(_obj(extended).get("media"))) or _objs(
        entities.get("media")
    )
    spans = _v1_spans(entities, media_entities)
    reply_to = _id(raw, "in_reply_to_status_id_str", "in_reply_to_status_id")
    # From the tweet itself: a long post's note lacks the quote link and the reply handles.
    quoted = _id(raw, "quoted_status_id_str", "quoted_status_id") or _quoted_id(spans)
    is_retweet = "retweeted_status" in raw or text.startswith("RT @")
    if note and _str(note.get("text")):
        text = _str(note.get("text"))
        spans = _note_spans(note) + [s for s in spans if s[0] == "media"]
    text, entities = _place_entities(text, spans)
    place = get("place")
    edit_info = get("edit_info")
    return TweetRow(
        tweet_id=tweet_id,
        created_at=parse_created_at(_required(raw, tweet_id, "created_at"), tweet_id),
        text=text,
        entities=entities,
        source=TweetSource.ARCHIVE,
        in_reply_to_tweet_id=reply_to,
        in_reply_to_handle=_handle(get("in_reply_to_screen_name")) if reply_to else "",
        in_reply_to_user_id=_optional_id(raw, "in_reply_to_user_id_str", "in_reply_to_user_id"),
        is_retweet=is_retweet,
        is_quote=bool(quoted) and not is_retweet,
        quoted_tweet_id="" if is_retweet else quoted,
        lang=_str(get("lang"))[:12],
        like_count=_count(get("favorite_count"), tweet_id),
        retweet_count=_count(get("retweet_count"), tweet_id),
        client=_client(get("source")),
        possibly_sensitive=_flag(get("possibly_sensitive")),
        place_name=_str(_obj(place).get("full_name"))[:200] if place else "",
        edit_tweet_ids=_v1_edit_ids(_obj(edit_info)) if edit_info else (),
        media=[_v1_media(m, n, tweet_id) for n, m in enumerate(_limited(media_entities))]
        if media_entities
        else [],
    )


def _read_api(raw, includes):
    tweet_id = _id(raw, "id", required=True)
    note = _obj(raw.get("note_tweet"))
    text = _str(note.get("text")) or _required_text(raw, tweet_id, "text")
    entities = _obj(note.get("entities") if _str(note.get("text")) else None) or _obj(
        raw.get("entities")
    )
    references = {
        _str(ref.get("type")): _id(ref, "id") for ref in _objs(raw.get("referenced_tweets"))
    }
    media_keys = [
        key for key in map(_key, _list(_obj(raw.get("attachments")).get("media_keys"))) if key
    ]
    metrics = _obj(raw.get("public_metrics"))
    reply_to = references.get("replied_to", "")
    reply_user = _optional_id(raw, "in_reply_to_user_id")
    media = [
        _api_media(_obj(_obj(includes.get("media")).get(key)), key, n)
        for n, key in enumerate(_limited(media_keys))
    ]
    fields = {
        "tweet_id": tweet_id,
        "created_at": parse_created_at(_required(raw, tweet_id, "created_at"), tweet_id),
        "source": TweetSource.API,
        "in_reply_to_tweet_id": reply_to,
        "in_reply_to_handle": _handle(_obj(includes.get("users")).get(reply_user))
        if reply_to
        else "",
        "in_reply_to_user_id": reply_user,
        "is_retweet": "retweeted" in references,
        "is_quote": "quoted" in references and "retweeted" not in references,
        "quoted_tweet_id": references.get("quoted", "") if "retweeted" not in references else "",
        "lang": _str(raw.get("lang"))[:12],
        "like_count": _count(metrics.get("like_count"), tweet_id),
        "retweet_count": _count(metrics.get("retweet_count"), tweet_id),
        "possibly_sensitive": _flag(raw.get("possibly_sensitive")),
        "place_name": _str(
            _obj(includes.get("places")).get(_key(_obj(raw.get("geo")).get("place_id")))
        )[:200],
        "edit_tweet_ids": _edit_ids(raw.get("edit_history_tweet_ids")),
        "media": media,
    }
    spans = [
        ("url", _start_end(e, "start", "end"), _url_entity(e)) for e in _objs(entities.get("urls"))
    ]
    spans += [
        ("mention", _start_end(e, "start", "end"), {"handle": _str(e.get("username"))})
        for e in _objs(entities.get("mentions"))
    ]
    spans += [
        ("hashtag", _start_end(e, "start", "end"), {"tag": _str(e.get("tag"))})
        for e in _objs(entities.get("hashtags"))
    ]
    spans += [
        ("cashtag", _start_end(e, "start", "end"), {"tag": _str(e.get("tag"))})
        for e in _objs(entities.get("cashtags"))
    ]
    fields["text"], fields["entities"] = _place_entities(text, spans)
    return TweetRow(**fields)


def _v1_spans(entities, media_entities):
    # Most lists are empty or absent: each is read only when it holds something.
    spans = []
    if urls := entities.get("urls"):
        spans += [
            ("url", _indices(e), item) for e in _objs(urls) if (item := _url_entity(e))["url"]
        ]
    if mentions := entities.get("user_mentions"):
        spans += [
            ("mention", _indices(e), {"handle": _str(e.get("screen_name"))})
            for e in _objs(mentions)
        ]
    if hashtags := entities.get("hashtags"):
        spans += [("hashtag", _indices(e), {"tag": _str(e.get("text"))}) for e in _objs(hashtags)]
    if symbols := entities.get("symbols"):
        spans += [("cashtag", _indices(e), {"tag": _str(e.get("text"))}) for e in _objs(symbols)]
    if not media_entities:
        return spans
    # Every photo of a tweet repeats the same t.co link: one entity for it.
    by_url = {}
    for media in media_entities:
        by_url.setdefault(_str(media.get("url")), media)
    spans += [("media", _indices(media), {"url": url}) for url, media in by_url.items() if url]
    return spans


def _note_spans(note):
    spans = [
        (
            "url",
            _start_end(e, "fromIndex", "toIndex"),
            {
                "url": _str(e.get("shortUrl")),
                "expanded_url": _str(e.get("expandedUrl")),
                "display_url": _str(e.get("displayUrl")),
            },
        )
        for e in _objs(note.get("urls"))
    ]
    spans += [
        ("mention", _start_end(e, "fromIndex", "toIndex"), {"handle": _str(e.get("screenName"))})
        for e in _objs(note.get("mentions"))
    ]
    spans += [
        ("hashtag", _start_end(e, "fromIndex", "toIndex"), {"tag": _str(e.get("text"))})
        for e in _objs(note.get("hashtags"))
    ]
    spans += [
        ("cashtag", _start_end(e, "fromIndex", "toIndex"), {"tag": _str(e.get("text"))})
        for e in _objs(note.get("cashtags"))
    ]
    return spans


def _v1_edit_ids(edit_info):
    """The versions an archive's ``edit_info`` lists: the first version holds them under
    ``initial``, each later one under ``edit.editControlInitial``."""
    initial = _obj(edit_info.get("initial")) or _obj(
        _obj(edit_info.get("edit")).get("editControlInitial")
    )
    return _edit_ids(initial.get("editTweetIds"))


def _edit_ids(value):
    """Tweet ids of an edit history, oldest first; () when there is no edit (one version)."""
    if not value:
        return ()
    ids = tuple(dict.fromkeys(key for key in map(_key, _list(value)) if is_id(key)))
    return ids if len(ids) > 1 else ()


_TAG = re.compile(r"<[^>]*>")


def _client(source):
    """The app's name from v1's ``source``: ``<a href="…">Twitter for iPhone</a>`` or "web".

    Only a name to show, escaped on output: a regular expression is enough, and 30 times
    faster than ``strip_tags`` over 100,000 tweets."""
    return _client_name(source) if isinstance(source, str) else ""


@functools.lru_cache(maxsize=256)
def _client_name(source):
    # An account posts with a handful of apps: each name is worked out once.
    return html.unescape(_TAG.sub("", _str(source))).strip()[:100]


def _flag(value):
    return value is True or value == "true"


def _url_entity(entity):
    url = _str(entity.get("url"))
    return {
        "url": url,
        "expanded_url": _str(entity.get("expanded_url")) or url,
        "display_url": _str(entity.get("display_url")) or url,
    }


def _v1_media(media, position, tweet_id):
    size = _obj(media.get("original_info"))
    large = _obj(_obj(media.get("sizes")).get("large"))
    url = _str(media.get("media_url_https")) or _str(media.get("media_url"))
    # Videos and GIFs are stored as the .mp4 of their best variant; media_url is a thumbnail.
    variants = sorted(
        (v for v in _objs(_obj(media.get("video_info")).get("variants")) if _str(v.get("url"))),
        key=lambda v: _count(v.get("bitrate"), tweet_id),
        reverse=True,
    )
    names = [_basename(v["url"]) for v in variants] + ([_basename(url)] if url else [])
    media_key = _key(media.get("id_str")) or _key(media.get("id")) or f"{tweet_id}-{position}"
    return MediaRow(
        media_key=media_key[:40],
        kind=_media_kind(media.get("type")),
        position=position,
        alt_text=_str(media.get("ext_alt_text")) or _str(media.get("alt_text")),
        width=_optional_int(size.get("width") or large.get("w")),
        height=_optional_int(size.get("height") or large.get("h")),
        original_url=url[:500],
        file_names=tuple(dict.fromkeys(n for n in names if n)),
    )


def _api_media(media, media_key, position):
    url = _str(media.get("url")) or _str(media.get("preview_image_url"))
    return MediaRow(
        media_key=(_key(media.get("media_key")) or media_key)[:40],
        kind=_media_kind(media.get("type")),
        position=position,
        alt_text=_str(media.get("alt_text")),
        width=_optional_int(media.get("width")),
        height=_optional_int(media.get("height")),
        original_url=url[:500],
    )


def _media_kind(value):
    return value if isinstance(value, str) and value in MediaKind.values else MediaKind.PHOTO


def _limited(media):
    """X attaches at most four pictures or one video; an archive claiming more is cut."""
    return media[:MAX_MEDIA]


def _handle(value):
    """An X handle as the model stores it: at most 15 characters, without @."""
    return _str(value).removeprefix("@")[:15]


def _basename(url):
    try:
        return posixpath.basename(urlsplit(url).path)
    except ValueError:  # e.g. an unclosed [ of an IPv6 host
        return ""


_STATUS_URL = re.compile(
    r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(?:#!/)?\w+/status(?:es)?/(\d{1,25})(?!\d)",
    re.I | re.ASCII,
)


def _quoted_id(spans):
    """Archives do not say which tweet is quoted; a quote ends with a link to it."""
    for kind, _, item in spans:
        match = kind == "url" and _STATUS_URL.match(item.get("expanded_url", ""))
        if match:
            return match[1]
    return ""


# Values ---------------------------------------------------------------------------------------

_MONTHS = {m: n for n, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}


def parse_created_at(value, tweet_id=""):
    """An aware UTC datetime from any of X's three date formats.

    ``Wed Oct 10 20:19:24 +0000 2018`` (v1.1, parsed without the locale's month names),
    ``2013-03-04 07:00:00 +0000`` (Grailbird) and ``2013-03-04T07:00:00.000Z`` (API v2).
    """
    try:
        parts = value.split()
        if len(parts) == 6:
            _, month, day, clock, offset, year = parts
            hour, minute, second = clock.split(":")
            moment = datetime.datetime(
                int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second),
                tzinfo=_zone(offset),
            )  # fmt: skip
        elif len(parts) == 3:
            moment = datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S %z")
        else:
            moment = datetime.datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise InvalidTweet(f"tweet {tweet_id}: date {value!r} has no time zone")
        return moment.astimezone(datetime.UTC)
    except (AttributeError, KeyError, ValueError, OverflowError) as error:
        if isinstance(error, InvalidTweet):
            raise
        raise InvalidTweet(f"tweet {tweet_id}: unknown date {str(value)[:40]!r}") from None


def _zone(offset):
    if offset == "+0000":
        return datetime.UTC
    return datetime.datetime.strptime(offset, "%z").tzinfo


def _str(value):
    """``value`` if it is a string (made storable), else ""."""
    if not isinstance(value, str):
        return ""
    # No database column or output takes them (PostgreSQL refuses NUL, XML the C0 controls):
    # each becomes U+FFFD, one code point for one, so that entity offsets stay right.
    # Printable text has none, and most strings are: a test much cheaper than the replacement.
    return value if value.isprintable() else replace_control_characters(value)


def _key(value):
    """A string or number as a string, else "" (``True`` is no key)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    return _str(str(value))


def _obj(value):
    return value if isinstance(value, dict) else {}


def _list(value):
    return value if isinstance(value, list) else []


def _objs(value):
    """The JSON objects of a list, or [] when ``value`` is no list."""
    if not value or not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)]


def _required(raw, tweet_id, *names):
    for name in names:
        if raw.get(name) not in (None, ""):
            return raw[name]
    raise InvalidTweet(f"tweet {tweet_id or '?'} has no “{names[0]}”")


def _required_text(raw, tweet_id, *names):
    text = _required(raw, tweet_id, *names)
    if not isinstance(text, str):
        raise InvalidTweet(f"tweet {tweet_id}: the text is not a string")
    return _str(text)


def is_id(value):
    """Whether ``value`` (a string) is written like an X id: ASCII digits, at most 25."""
    return value.isascii() and value.isdigit() and len(value) <= 25


def _id(raw, *names, required=False):
    for name in names:
        value = raw.get(name)
        if value not in (None, ""):
            value = str(value) if isinstance(value, str | int) else repr(value)
            if not is_id(value):
                raise InvalidTweet(f"“{name}” is not a tweet id: {value[:30]!r}")
            return value
    if required:
        raise InvalidTweet(f"a tweet has no “{names[0]}”")
    return ""


def _optional_id(raw, *names):
    """An id X may leave out, or "" when it is absent or no id."""
    for name in names:
        value = raw.get(name)
        if value is not None and value != "":
            value = _key(value)
            return value if is_id(value) else ""
    return ""


def _count(value, tweet_id):
    """A count as the database holds it: from 0 to the largest integer of its column."""
    if value in (None, ""):
        return 0
    try:
        return min(max(int(value), 0), MAX_COUNT)
    except (TypeError, ValueError, OverflowError):
        raise InvalidTweet(f"tweet {tweet_id}: {str(value)[:30]!r} is not a number") from None


def _optional_int(value):
    try:
        number = int(value) if value not in (None, "") else None
    except (TypeError, ValueError, OverflowError):
        return None
    return number if number is not None and 0 <= number <= MAX_COUNT else None


def _indices(entity):
    indices = entity.get("indices")
    if not indices or not isinstance(indices, list):
        return None, None
    try:  # three entities a tweet: the common case without two more calls
        return int(indices[0]), int(indices[-1])
    except (TypeError, ValueError, OverflowError):
        return _as_int(indices[0]), _as_int(indices[-1])


def _start_end(entity, start, end):
    return _as_int(entity.get(start)), _as_int(entity.get(end))


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None


# Text and entity offsets ----------------------------------------------------------------------

_ESCAPED = re.compile(r"&(amp|lt|gt);")
_UNESCAPED = {"amp": "&", "lt": "<", "gt": ">"}


def unescape_text(escaped):
    """X's text with &amp; &lt; &gt; turned back, exactly once; and where each offset moved.

    Returns ``(text, moved)``: ``moved(i)`` is the position in ``text`` of position ``i``
    (0 to ``len(escaped)``) of ``escaped``; ``moved`` is ``None`` when nothing was escaped.
    """
    if "&" not in escaped:
        return escaped, None
    parts, escapes, position = [], [], 0
    for match in _ESCAPED.finditer(escaped):
        start, end = match.span()
        parts += [escaped[position:start], _UNESCAPED[match[1]]]
        escapes.append((start, end))
        position = end
    if not escapes:
        return escaped, None
    parts.append(escaped[position:])

    # Worked out from the few escapes, not a list of every position: most texts have one or two.
    def moved(index):
        shift = 0
        for start, end in escapes:
            if index < start:
                break
            if index < end:  # inside an escape: where its one character went
                return start - shift
            shift += end - start - 1
        return index - shift

    return "".join(parts), moved


_MARKERS = {"mention": "@＠", "hashtag": "#＃", "cashtag": "$＄", "url": "", "media": ""}
_NEEDLE_KEY = {
    "mention": "handle",
    "hashtag": "tag",
    "cashtag": "tag",
    "url": "url",
    "media": "url",
}
_ENTITY_LIST = {
    "url": "urls",
    "mention": "mentions",
    "hashtag": "hashtags",
    "cashtag": "cashtags",
    "media": "media",
}


def _place_entities(escaped, spans):
    """Unescape the text and give each entity the code-point offsets of its text in it.

    X counts offsets sometimes in the escaped text and sometimes not (and a note's or an old
    tweet's offsets can be off): each entity is checked against the text and, when it does not
    match there, looked up nearest to where X put it. An entity absent from the text is dropped.
    """
    text, moved = unescape_text(escaped)
    if not spans:
        return text, {}
    placed_in = {}
    taken = set()
    for kind, (start, end), item in spans:
        needle = item[_NEEDLE_KEY[kind]]
        if not needle:
            continue
        if moved and start is not None and end is not None and 0 <= start <= end <= len(escaped):
            guesses = ((moved(start), moved(end)), (start, end))
        else:
            guesses = ((start, end),)
        placed = _place(text, kind, needle, guesses, taken)
        if placed:
            taken.add(placed)
            entity = {"start": placed[0], "end": placed[1], **item}
            placed_in.setdefault(_ENTITY_LIST[kind], []).append(entity)
    # The lists in one order, whatever the spans' order: the stored JSON stays the same.
    entities = {}
    for name in _ENTITY_LIST.values():
        if items := placed_in.get(name):
            items.sort(key=_START)
            entities[name] = items
    return text, entities


_START = operator.itemgetter("start")


def _place(text, kind, needle, guesses, taken):
    markers = _MARKERS[kind]
    for start, end in guesses:
        if start is None or end is None or (start, end) in taken:
            continue
        if markers:
            if (
                end - start == len(needle) + 1
                and text[start : start + 1] in markers
                and text[start + 1 : end].casefold() == needle.casefold()
            ):
                return start, end
        elif text[start:end] == needle:
            return start, end
    prefix = f"[{markers}]" if markers else ""
    pattern = re.compile(prefix + re.escape(needle) + r"(?!\w)", re.IGNORECASE)
    hint = next((start for start, _ in guesses if start is not None), 0)
    found = [
        (m.start(), m.end()) for m in pattern.finditer(text) if (m.start(), m.end()) not in taken
    ]
    return min(found, key=lambda span: abs(span[0] - hint), default=None)


def credited(handle, mention, text, entities):
    """A shared post's ``text`` after "@handle: ", that "@handle" a mention entity (with the
    values of ``mention``: where it links), the other entities moved along."""
    prefix = f"@{handle}: "
    shift = len(prefix)
    moved = {
        kind: [
            {**item, "start": item["start"] + shift, "end": item["end"] + shift} for item in items
        ]
        for kind, items in entities.items()
    }
    moved["mentions"] = [
        {"start": 0, "end": shift - 2, "handle": handle, **mention},
        *moved.get("mentions", ()),
    ]
    return prefix + text, moved

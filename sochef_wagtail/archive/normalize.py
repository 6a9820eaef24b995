"""One normalising function: a tweet of either archive layout or the X API becomes a ``TweetRow``.

The three sources disagree on names, dates, number types and offsets; ``TweetRow`` is what the
``Tweet`` model stores (see its docstring for the format of ``entities``).
"""

import datetime
import enum
import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .models import MediaKind, TweetSource


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
    is_retweet: bool = False
    is_quote: bool = False
    quoted_tweet_id: str = ""
    lang: str = ""
    like_count: int = 0
    retweet_count: int = 0
    media: list[MediaRow] = field(default_factory=list)

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
            "is_retweet": self.is_retweet,
            "is_quote": self.is_quote,
            "quoted_tweet_id": self.quoted_tweet_id,
            "lang": self.lang,
            "like_count": self.like_count,
            "retweet_count": self.retweet_count,
        }


def normalize_tweet(raw, fmt, *, note=None, includes=None):
    """Turn one tweet of ``fmt`` into a ``TweetRow``; raise ``InvalidTweet`` when it is unusable.

    ``note`` is the long post of ``data/note-tweet.js`` (its ``core`` object) whose text replaces
    the archive's cut one. ``includes`` holds the API answer's expansions:
    ``{"media": {media_key: dict}, "users": {user_id: username}}``.
    """
    if not isinstance(raw, dict):
        raise InvalidTweet("a tweet is not a JSON object")
    if fmt == TweetFormat.API:
        fields, text, spans = _read_api(raw, includes or {})
    else:
        fields, text, spans = _read_v1(raw, note)
    fields["text"], fields["entities"] = _place_entities(text, spans)
    return TweetRow(**fields)


# Reading each source ------------------------------------------------------------------------


def _read_v1(raw, note):
    """The archive layouts hold v1.1 tweet objects; only their number types differ."""
    tweet_id = _id(raw, "id_str", "id", required=True)
    text = _required(raw, tweet_id, "full_text", "text")
    if not isinstance(text, str):
        raise InvalidTweet(f"tweet {tweet_id}: the text is not a string")
    entities = raw.get("entities") or {}
    media_entities = (raw.get("extended_entities") or {}).get("media") or entities.get("media")
    spans = _v1_spans(entities, media_entities or [])
    if note:
        text = note.get("text") or text
        spans = _note_spans(note) + [s for s in spans if s[0] == "media"]
    reply_to = _id(raw, "in_reply_to_status_id_str", "in_reply_to_status_id")
    quoted = _id(raw, "quoted_status_id_str", "quoted_status_id") or _quoted_id(spans)
    fields = {
        "tweet_id": tweet_id,
        "created_at": parse_created_at(_required(raw, tweet_id, "created_at"), tweet_id),
        "source": TweetSource.ARCHIVE,
        "in_reply_to_tweet_id": reply_to,
        "in_reply_to_handle": _handle(raw.get("in_reply_to_screen_name")) if reply_to else "",
        "is_retweet": "retweeted_status" in raw or text.startswith("RT @"),
        "quoted_tweet_id": quoted,
        "lang": (raw.get("lang") or "")[:12],
        "like_count": _count(raw.get("favorite_count"), tweet_id),
        "retweet_count": _count(raw.get("retweet_count"), tweet_id),
        "media": [_v1_media(m, n, tweet_id) for n, m in enumerate(media_entities or [])],
    }
    fields["is_quote"] = bool(quoted) and not fields["is_retweet"]
    if fields["is_retweet"]:
        fields["quoted_tweet_id"] = ""
    return fields, text, spans


def _read_api(raw, includes):
    tweet_id = _id(raw, "id", required=True)
    note = raw.get("note_tweet") or {}
    text = note.get("text") or _required(raw, tweet_id, "text")
    entities = (note.get("entities") if note.get("text") else None) or raw.get("entities") or {}
    references = {ref.get("type"): str(ref.get("id")) for ref in raw.get("referenced_tweets") or []}
    media_keys = (raw.get("attachments") or {}).get("media_keys") or []
    metrics = raw.get("public_metrics") or {}
    reply_to = references.get("replied_to", "")
    reply_user = str(raw.get("in_reply_to_user_id") or "")
    media = [
        _api_media(includes.get("media", {}).get(key) or {"media_key": key}, n)
        for n, key in enumerate(media_keys)
    ]
    fields = {
        "tweet_id": tweet_id,
        "created_at": parse_created_at(_required(raw, tweet_id, "created_at"), tweet_id),
        "source": TweetSource.API,
        "in_reply_to_tweet_id": reply_to,
        "in_reply_to_handle": _handle(includes.get("users", {}).get(reply_user))
        if reply_to
        else "",
        "is_retweet": "retweeted" in references,
        "is_quote": "quoted" in references and "retweeted" not in references,
        "quoted_tweet_id": references.get("quoted", "") if "retweeted" not in references else "",
        "lang": (raw.get("lang") or "")[:12],
        "like_count": _count(metrics.get("like_count"), tweet_id),
        "retweet_count": _count(metrics.get("retweet_count"), tweet_id),
        "media": media,
    }
    spans = [
        ("url", _start_end(e, "start", "end"), _url_entity(e)) for e in entities.get("urls") or []
    ]
    spans += [
        ("mention", _start_end(e, "start", "end"), {"handle": e.get("username", "")})
        for e in entities.get("mentions") or []
    ]
    spans += [
        ("hashtag", _start_end(e, "start", "end"), {"tag": e.get("tag", "")})
        for e in entities.get("hashtags") or []
    ]
    return fields, text, spans


def _v1_spans(entities, media_entities):
    spans = [
        ("url", _indices(e), _url_entity(e)) for e in entities.get("urls") or [] if e.get("url")
    ]
    spans += [
        ("mention", _indices(e), {"handle": e.get("screen_name", "")})
        for e in entities.get("user_mentions") or []
    ]
    spans += [
        ("hashtag", _indices(e), {"tag": e.get("text", "")}) for e in entities.get("hashtags") or []
    ]
    # Every photo of a tweet repeats the same t.co link: one entity for it.
    media_urls = dict.fromkeys(m.get("url") for m in media_entities if m.get("url"))
    by_url = {m.get("url"): m for m in media_entities}
    spans += [("media", _indices(by_url[url]), {"url": url}) for url in media_urls]
    return spans


def _note_spans(note):
    spans = [
        (
            "url",
            _start_end(e, "fromIndex", "toIndex"),
            {
                "url": e.get("shortUrl", ""),
                "expanded_url": e.get("expandedUrl", ""),
                "display_url": e.get("displayUrl", ""),
            },
        )
        for e in note.get("urls") or []
    ]
    spans += [
        ("mention", _start_end(e, "fromIndex", "toIndex"), {"handle": e.get("screenName", "")})
        for e in note.get("mentions") or []
    ]
    spans += [
        ("hashtag", _start_end(e, "fromIndex", "toIndex"), {"tag": e.get("text", "")})
        for e in note.get("hashtags") or []
    ]
    return spans


def _url_entity(entity):
    return {
        "url": entity.get("url", ""),
        "expanded_url": entity.get("expanded_url") or entity.get("url", ""),
        "display_url": entity.get("display_url") or entity.get("url", ""),
    }


def _v1_media(media, position, tweet_id):
    size = media.get("original_info") or {}
    large = (media.get("sizes") or {}).get("large") or {}
    url = media.get("media_url_https") or media.get("media_url") or ""
    # Videos and GIFs are stored as the .mp4 of their best variant; media_url is a thumbnail.
    variants = sorted(
        (v for v in (media.get("video_info") or {}).get("variants") or [] if v.get("url")),
        key=lambda v: _count(v.get("bitrate"), tweet_id),
        reverse=True,
    )
    names = [_basename(v["url"]) for v in variants] + ([_basename(url)] if url else [])
    return MediaRow(
        media_key=str(media.get("id_str") or media.get("id") or f"{tweet_id}-{position}")[:40],
        kind=_media_kind(media.get("type")),
        position=position,
        alt_text=media.get("ext_alt_text") or media.get("alt_text") or "",
        width=_optional_int(size.get("width") or large.get("w")),
        height=_optional_int(size.get("height") or large.get("h")),
        original_url=url[:500],
        file_names=tuple(dict.fromkeys(n for n in names if n)),
    )


def _api_media(media, position):
    url = media.get("url") or media.get("preview_image_url") or ""
    return MediaRow(
        media_key=str(media.get("media_key", ""))[:40],
        kind=_media_kind(media.get("type")),
        position=position,
        alt_text=media.get("alt_text") or "",
        width=_optional_int(media.get("width")),
        height=_optional_int(media.get("height")),
        original_url=url[:500],
    )


def _media_kind(value):
    return value if value in MediaKind.values else MediaKind.PHOTO


def _handle(value):
    """An X handle as the model stores it: at most 15 characters, without @."""
    return (value or "").removeprefix("@")[:15]


def _basename(url):
    return posixpath.basename(urlsplit(url).path)


_STATUS_URL = re.compile(
    r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(?:#!/)?\w+/status(?:es)?/(\d{1,25})(?!\d)",
    re.I,
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
    except (AttributeError, KeyError, ValueError):
        raise InvalidTweet(f"tweet {tweet_id}: unknown date {value!r}") from None
    if moment.tzinfo is None:
        raise InvalidTweet(f"tweet {tweet_id}: date {value!r} has no time zone")
    return moment.astimezone(datetime.UTC)


def _zone(offset):
    if offset == "+0000":
        return datetime.UTC
    return datetime.datetime.strptime(offset, "%z").tzinfo


def _required(raw, tweet_id, *names):
    for name in names:
        if raw.get(name) not in (None, ""):
            return raw[name]
    raise InvalidTweet(f"tweet {tweet_id or '?'} has no “{names[0]}”")


def _id(raw, *names, required=False):
    for name in names:
        value = raw.get(name)
        if value not in (None, ""):
            value = str(value)
            if not value.isdigit() or len(value) > 25:
                raise InvalidTweet(f"“{name}” is not a tweet id: {value[:30]!r}")
            return value
    if required:
        raise InvalidTweet(f"a tweet has no “{names[0]}”")
    return ""


def _count(value, tweet_id):
    if value in (None, ""):
        return 0
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        raise InvalidTweet(f"tweet {tweet_id}: {value!r} is not a number") from None


def _optional_int(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _indices(entity):
    indices = entity.get("indices") or (None, None)
    return _as_int(indices[0]), _as_int(indices[-1])


def _start_end(entity, start, end):
    return _as_int(entity.get(start)), _as_int(entity.get(end))


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# Text and entity offsets ----------------------------------------------------------------------

_ESCAPED = re.compile(r"&(amp|lt|gt);")
_UNESCAPED = {"amp": "&", "lt": "<", "gt": ">"}


def unescape_text(escaped):
    """X's text with &amp; &lt; &gt; turned back, exactly once; and where each offset moved.

    Returns ``(text, offsets)``: ``offsets[i]`` is the position in ``text`` of position ``i`` of
    ``escaped`` (``None`` when nothing was escaped).
    """
    if "&" not in escaped:
        return escaped, None
    parts, offsets, position, out = [], [], 0, 0
    for match in _ESCAPED.finditer(escaped):
        plain = escaped[position : match.start()]
        parts += [plain, _UNESCAPED[match[1]]]
        offsets.extend(range(out, out + len(plain)))
        out += len(plain)
        offsets.extend([out] * (match.end() - match.start()))
        out += 1
        position = match.end()
    rest = escaped[position:]
    parts.append(rest)
    offsets.extend(range(out, out + len(rest) + 1))
    return "".join(parts), offsets


_MARKERS = {"mention": "@＠", "hashtag": "#＃", "url": "", "media": ""}
_NEEDLE_KEY = {"mention": "handle", "hashtag": "tag", "url": "url", "media": "url"}
_ENTITY_LIST = {"url": "urls", "mention": "mentions", "hashtag": "hashtags", "media": "media"}


def _place_entities(escaped, spans):
    """Unescape the text and give each entity the code-point offsets of its text in it.

    X counts offsets sometimes in the escaped text and sometimes not (and a note's or an old
    tweet's offsets can be off): each entity is checked against the text and, when it does not
    match there, looked up nearest to where X put it. An entity absent from the text is dropped.
    """
    text, offsets = unescape_text(escaped)
    entities = {name: [] for name in _ENTITY_LIST.values()}
    taken = set()
    for kind, (start, end), item in spans:
        needle = item[_NEEDLE_KEY[kind]]
        if not needle:
            continue
        guesses = [(start, end)]
        if offsets and start is not None and end is not None and end < len(offsets):
            guesses.insert(0, (offsets[start], offsets[end]))
        placed = _place(text, kind, needle, guesses, taken)
        if placed:
            taken.add(placed)
            entities[_ENTITY_LIST[kind]].append({"start": placed[0], "end": placed[1], **item})
    for name in entities:
        entities[name].sort(key=lambda entity: entity["start"])
    return text, {name: items for name, items in entities.items() if items}


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

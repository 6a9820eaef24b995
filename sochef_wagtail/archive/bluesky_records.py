"""Bluesky's post records (the lexicon's ``app.bsky.feed.post``) as ``TweetRow``s: what the live
fetch (``bluesky.py``, from the AppView's post views) and the archive import
(``bluesky_archive.py``, from a repository's records) both read posts with. Needs no client.

A post's text is UTF-8 on the wire and its facets (links, mentions, tags) count bytes of it;
the stored entities count code points, as Python indexes ``text``.
"""

import datetime
import re

from ..platforms import BLUESKY_DID, BLUESKY_POST, POST_ID_MAX_LENGTH
from .models import MediaKind, TweetSource
from .normalize import (
    MAX_COUNT,
    MAX_MEDIA,
    InvalidTweet,
    MediaRow,
    TweetRow,
    _count,
    _list,
    _obj,
    _objs,
    _str,
)

POST = "app.bsky.feed.post"
#: A blob's CID as a record names it: CIDv1 in base32 ("bafkrei…").
BLOB_CID = re.compile(r"^b[a-z2-7]{8,100}\Z")
#: Labels, the author's own or a moderation service's, that hide a post behind a warning.
EARLIEST = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
LATEST = datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC)
SENSITIVE_LABELS = {"porn", "sexual", "nudity", "graphic-media", "gore", "!warn"}
FACET = "app.bsky.richtext.facet#"


def normalize_post(uri, record, *, view=None, reply_handle=""):
    """The ``TweetRow`` of the post ``uri`` whose record is ``record`` (a dict as the lexicon
    writes it). ``view`` is the AppView's post view around it, when the post was fetched: its
    counts, its labels and the addresses of its images. ``reply_handle`` names the account the
    post answers, when known. Raises ``InvalidTweet`` for a record no post can be made of."""
    if not isinstance(record, dict) or record.get("$type", POST) != POST:
        raise InvalidTweet(f"{str(uri)[:80]} is not a post")
    view = _obj(view)
    raw_text = record.get("text")
    if not isinstance(raw_text, str):
        raise InvalidTweet(f"post {str(uri)[:80]} has no text")
    text, entities = facets_as_entities(raw_text, record.get("facets"))
    parent = _obj(_obj(record.get("reply")).get("parent"))
    parent_uri = post_uri(parent.get("uri"))
    embed = _obj(record.get("embed"))
    quoted_uri = _quoted_uri(embed)
    text, entities = _with_external_link(text, entities, embed)
    labels = {_str(label.get("val")) for label in _objs(_obj(record.get("labels")).get("values"))}
    labels |= {_str(label.get("val")) for label in _objs(view.get("labels"))}
    return TweetRow(
        tweet_id=uri,
        created_at=post_time(record, view, uri),
        text=text,
        entities=entities,
        source=TweetSource.API,
        in_reply_to_tweet_id=parent_uri,
        in_reply_to_handle=reply_handle if parent_uri else "",
        in_reply_to_user_id=did_of(parent_uri),
        is_quote=bool(quoted_uri),
        quoted_tweet_id=quoted_uri,
        lang=next((_str(lang)[:12] for lang in _list(record.get("langs")) if _str(lang)), ""),
        like_count=_count(view.get("likeCount"), uri),
        retweet_count=_count(view.get("repostCount"), uri),
        possibly_sensitive=bool(labels & SENSITIVE_LABELS),
        media=_media(embed, _obj(view.get("embed")), did_of(uri)),
    )


def facets_as_entities(raw_text, facets):
    """(text, entities): the text made storable and the facets as entities of code-point
    offsets. A facet whose bytes are out of range, split a character or overlap an earlier one
    is left out, as the Bluesky app leaves it unlinked."""
    encoded = raw_text.encode("utf-8", "surrogatepass")
    # The code point that starts at each byte offset, and the end; None inside a character.
    at_byte = {}
    position = 0
    for index, character in enumerate(raw_text):
        at_byte[position] = index
        position += len(character.encode("utf-8", "surrogatepass"))
    at_byte[len(encoded)] = len(raw_text)
    found = {"urls": [], "mentions": [], "hashtags": []}
    taken = []
    for facet in sorted(_objs(facets), key=_byte_start):
        index = _obj(facet.get("index"))
        start, end = (
            at_byte.get(_offset(index, "byteStart")),
            at_byte.get(_offset(index, "byteEnd")),
        )
        if start is None or end is None or start >= end or any(start < e for _s, e in taken):
            continue
        entity = _entity(_objs(facet.get("features")), raw_text[start:end])
        if entity:
            kind, values = entity
            found[kind].append({"start": start, "end": end, **values})
            taken.append((start, end))
    text = _str(raw_text)  # one code point for one: the offsets stay right
    return text, {kind: items for kind, items in found.items() if items}


def _byte_start(facet):
    return _offset(_obj(facet.get("index")), "byteStart", -1)


def _offset(index, name, default=None):
    value = index.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _entity(features, written):
    """The entity of a facet's first feature the app knows: (list name, its values)."""
    for feature in features:
        kind = _str(feature.get("$type")).removeprefix(FACET)
        if kind == "link" and _str(feature.get("uri")):
            uri = _str(feature["uri"])
            return "urls", {"url": uri, "expanded_url": uri, "display_url": _str(written)}
        if kind == "mention" and _str(feature.get("did")):
            did = _str(feature["did"])
            return "mentions", {"handle": _str(written).removeprefix("@"), "did": did}
        if kind == "tag" and _str(feature.get("tag")):
            return "hashtags", {"tag": _str(feature["tag"])}
    return None


def _with_external_link(text, entities, embed):
    """A link card's address added at the end of the text when the text does not link it."""
    embed_type = _str(embed.get("$type"))
    external = _obj(embed.get("external"))
    uri = _str(external.get("uri"))
    if embed_type != "app.bsky.embed.external" or not uri:
        return text, entities
    if any(url.get("expanded_url") == uri for url in entities.get("urls", ())):
        return text, entities
    start = len(text) + (1 if text else 0)
    link = {"start": start, "end": start + len(uri), "url": uri, "expanded_url": uri}
    link["display_url"] = uri
    return (
        f"{text}\n{uri}" if text else uri,
        {**entities, "urls": [*entities.get("urls", ()), link]},
    )


def _quoted_uri(embed):
    embed_type = _str(embed.get("$type"))
    if embed_type == "app.bsky.embed.record":
        return post_uri(_obj(embed.get("record")).get("uri"))
    if embed_type == "app.bsky.embed.recordWithMedia":
        return post_uri(_obj(_obj(embed.get("record")).get("record")).get("uri"))
    return ""


def post_uri(value):
    """``value`` if it is the AT URI of a post that a post id can be (a quote may embed a list
    or a feed), else ""."""
    value = _str(value)
    return value if len(value) <= POST_ID_MAX_LENGTH and BLUESKY_POST.match(value) else ""


def did_of(uri):
    """The DID an AT URI names its repository by: at://<did>/<collection>/<key>."""
    authority = uri.removeprefix("at://").partition("/")[0] if uri.startswith("at://") else ""
    return authority if authority.startswith("did:") else ""


def post_time(record, view, uri):
    """When the author says the post (or repost) was written, else when the AppView saw it
    first; between 1970 and 9999, as a record's author may write any date."""
    for value in (record.get("createdAt"), view.get("indexedAt")):
        try:
            moment = datetime.datetime.fromisoformat(value)
        except (TypeError, ValueError):
            continue
        if moment.tzinfo is not None and EARLIEST <= moment < LATEST:
            return moment.astimezone(datetime.UTC)
    raise InvalidTweet(f"post {str(uri)[:80]} has no date")


def _media(embed, embed_view, did):
    """The images or video of a post of the repository ``did``, from its record (ids, alt
    texts) and, when fetched, its view (addresses; else, for an image, its address on Bluesky's
    CDN). ``recordWithMedia`` is a quote with media: the media are the post's."""
    if _str(embed.get("$type")) == "app.bsky.embed.recordWithMedia":
        embed, embed_view = _obj(embed.get("media")), _obj(embed_view.get("media"))
    embed_type = _str(embed.get("$type"))
    if embed_type == "app.bsky.embed.images":
        views = _objs(embed_view.get("images"))
        return [
            _media_row(image, "image", MediaKind.PHOTO, n, views[n] if n < len(views) else {}, did)
            for n, image in enumerate(_objs(embed.get("images"))[:MAX_MEDIA])
        ]
    if embed_type == "app.bsky.embed.video":
        return [_media_row(embed, "video", MediaKind.VIDEO, 0, embed_view, did)]
    return []


def _media_row(item, blob_key, kind, position, view, did):
    blob = _obj(item.get(blob_key))
    ratio = _obj(item.get("aspectRatio"))
    cid = _str(_obj(blob.get("ref")).get("$link"))
    address = _str(view.get("fullsize") or view.get("playlist"))
    if not address and kind == MediaKind.PHOTO and BLUESKY_DID.match(did) and BLOB_CID.match(cid):
        # A repository's export holds no blobs: the AppView's CDN serves the image by its CID.
        address = f"https://cdn.bsky.app/img/feed_fullsize/plain/{did}/{cid}@jpeg"
    return MediaRow(
        media_key=cid[:100] or str(position),
        kind=kind,
        position=position,
        alt_text=_str(item.get("alt")),
        width=_dimension(ratio.get("width")),
        height=_dimension(ratio.get("height")),
        original_url=address[:500],
    )


def _dimension(value):
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_COUNT:
        return value
    return None

"""A tweet's text as HTML: escaped once, its entities turned into links by code-point offsets."""

import re
from html import escape
from typing import NamedTuple

from django.utils.safestring import SafeString

from ..choices import Platform
from ..platforms import Network, network
from ..text import safe_url

# X's ``lang`` for tweets in no detectable language: undetermined, only media, hashtags,
# mentions or cashtags, too short, no linguistic content. And two of its outdated codes.
X_NO_LANGUAGE = {"und", "qme", "qht", "qam", "qct", "qst", "zxx"}
X_OUTDATED = {"in": "id", "iw": "he"}
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})*", re.IGNORECASE)


def tweet_language(x_lang):
    """The BCP 47 tag of the language X detected in a tweet, or "" when there is none."""
    code = (x_lang or "").strip()
    if code.lower() in X_NO_LANGUAGE or not LANGUAGE_TAG.fullmatch(code):
        return ""
    return X_OUTDATED.get(code.lower(), code)


# The pieces below are plain str of HTML, escaped with the standard library's html.escape (what
# Django's escape and format_html call) and marked safe once, by tweet_text_html: this runs for
# every tweet of every cold page, where Django's lazy wrappers cost more than the escaping.


def plain(text):
    """Text escaped once, its line breaks kept."""
    return escape(text.replace("\r\n", "\n")).replace("\n", "<br>\n")


def url_link(entity, written, links):
    href = safe_url(entity.get("expanded_url")) or safe_url(entity.get("url"))
    label = entity.get("display_url") or entity.get("expanded_url") or written
    if not isinstance(label, str):
        label = written
    if href is None:
        return plain(label)
    return f'<a href="{escape(href)}" rel="nofollow noopener">{escape(label)}</a>'


def _link(href, written):
    if not href:
        return plain(written)
    return f'<a href="{escape(href)}" rel="noopener">{escape(written)}</a>'


def mention_link(entity, written, links):
    return _link(links.network.mention_url(entity), written)


def hashtag_link(entity, written, links):
    tag = entity.get("tag")
    if not isinstance(tag, str) or not tag:
        return plain(written)
    return _link(links.network.hashtag_url(tag, links.handle), written)


def cashtag_link(entity, written, links):
    tag = entity.get("tag")
    if not isinstance(tag, str) or not tag:
        return plain(written)
    return _link(links.network.cashtag_url(tag, links.handle), written)


def media_link(entity, written, links):
    # The media are shown below the text, as X does; the t.co link to them is left out.
    return ""


RENDERERS = {
    "urls": url_link,
    "mentions": mention_link,
    "hashtags": hashtag_link,
    "cashtags": cashtag_link,
    "media": media_link,
}


class Links(NamedTuple):
    """Where a post's mentions and tags lead: its platform's pages, and for Mastodon the tag
    pages of its account's instance."""

    network: Network
    handle: str = ""


X_LINKS = Links(network(Platform.X))


def entity_spans(text, entities):
    """(start, end, renderer, entity) for each well-formed entity, in text order, no overlaps."""
    spans = []
    if not isinstance(entities, dict):
        return spans
    for kind, render in RENDERERS.items():
        items = entities.get(kind)
        if not isinstance(items, list):
            continue
        for entity in items:
            if not isinstance(entity, dict):
                continue
            start, end = entity.get("start"), entity.get("end")
            if type(start) is not int or type(end) is not int:
                continue
            if 0 <= start < end <= len(text):
                spans.append((start, end, render, entity))
    spans.sort(key=lambda span: (span[0], span[1]))
    kept, position = [], 0
    for span in spans:
        if span[0] >= position:
            kept.append(span)
            position = span[1]
    return kept


def tweet_text_html(text, entities, links=X_LINKS):
    """The post's plain ``text`` as safe HTML, its mentions and tags linked by ``links``.

    Python indexes strings by code point, as the entity offsets count, so an emoji before a
    mention does not shift it. Entities that are malformed, out of range or overlapping an
    earlier one are shown as the text they cover.
    """
    parts, position = [], 0
    for start, end, render, entity in entity_spans(text, entities):
        parts.append(plain(text[position:start]))
        parts.append(render(entity, text[start:end], links))
        position = end
    parts.append(plain(text[position:]))
    return SafeString("".join(parts))

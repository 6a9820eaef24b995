"""A Mastodon post's HTML as the site stores it: sanitised to an allowlist (nh3), then read
into plain text and entities; no HTML is stored. The live fetch (``mastodon.py``) and the
archive import (``mastodon_archive.py``) both read posts through it, and it needs no client
of Mastodon's API.
"""

import re
from html.parser import HTMLParser

import nh3

from ..choices import Platform
from ..platforms import POST_ID_MAX_LENGTH, network
from ..text import clean_text, replace_control_characters, safe_url
from .normalize import _objs, _str

#: What Mastodon writes in a status's content, and nothing else survives sanitising.
ALLOWED_TAGS = {"p", "br", "a", "span"}
ALLOWED_ATTRIBUTES = {"a": {"href", "class", "rel"}, "span": {"class"}, "p": {"class"}}
#: The paragraph by which Mastodon 4.4 names a quoted post for apps that do not show quotes
#: ("RE: <link>"); left out when the quote is shown.
QUOTE_FALLBACK = "quote-inline"
REMOVED_WITH_CONTENT = {"script", "style"}
ELLIPSIS = "…"
MASTODON = network(Platform.MASTODON)
_HTML_WHITESPACE = re.compile(r"[ \t\n\r\f]+")


def sanitize(content):
    """Mastodon's HTML ``content`` reduced to paragraphs, breaks, http(s) links and spans."""
    return nh3.clean(
        content,
        tags=ALLOWED_TAGS,
        clean_content_tags=REMOVED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel=None,  # nh3 cannot both keep the author's rel and write its own
    )


def content_text(content, mentions, instance, quoted=False):
    """``(text, entities)`` of a status's HTML ``content``: plain text, paragraphs apart by a
    blank line, and its links, mentions and hashtags with code-point offsets into the text.
    ``mentions`` are the status's mentioned accounts; ``instance`` is the one fetched from,
    which a local account's acct leaves out. A ``quoted`` post's quote is shown on its own:
    the paragraph naming it in the text (``QUOTE_FALLBACK``) is left out."""
    parser = _ContentParser(_objs(mentions), instance, skipped=QUOTE_FALLBACK if quoted else None)
    parser.feed(sanitize(_str(content)))
    parser.close()
    return parser.text(), parser.entities()


class _Link:
    def __init__(self, start, href, classes):
        self.start, self.href, self.classes = start, href, classes
        self.visible = []


class _ContentParser(HTMLParser):
    """Sanitised status HTML to plain text and entities."""

    def __init__(self, mentions, instance, skipped=None):
        super().__init__(convert_charrefs=True)
        self.mentions, self.instance = mentions, instance
        #: The class of the paragraphs left out, and whether one is open now.
        self.skipped, self.skipping = skipped, False
        self.parts, self.length = [], 0
        self.paragraph_break = False
        self.link = None
        self.spans = []  # the classes of the open spans
        self.found = {"urls": [], "mentions": [], "hashtags": []}

    def text(self):
        return "".join(self.parts)

    def entities(self):
        return {kind: items for kind, items in self.found.items() if items}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        if tag == "p":
            self.skipping = self.skipped in classes
        if self.skipping:
            return
        if tag == "p":
            self.paragraph_break = self.length > 0
        elif tag == "br":
            self._write("\n")
        elif tag == "span":
            self.spans.append(classes)
        elif tag == "a" and self.link is None:
            self._break_paragraph()
            self.link = _Link(self.length, attrs.get("href") or "", classes)

    def handle_endtag(self, tag):
        if self.skipping:
            self.skipping = tag != "p"
            return
        if tag == "p":
            self.paragraph_break = self.length > 0
        elif tag == "span" and self.spans:
            if "ellipsis" in self.spans.pop() and self.link:
                self.link.visible.append(ELLIPSIS)
        elif tag == "a" and self.link:
            self._end_link(self.link)
            self.link = None

    def handle_data(self, data):
        if self.skipping:
            return
        data = _HTML_WHITESPACE.sub(" ", data)
        if data == " " and (self.paragraph_break or not self.length):
            return  # the layout between paragraphs, not text
        data = replace_control_characters(data)
        if self.link and not any("invisible" in classes for classes in self.spans):
            self.link.visible.append(data)
        self._write(data)

    def _break_paragraph(self):
        if self.paragraph_break:
            self.paragraph_break = False
            self.parts.append("\n\n")
            self.length += 2

    def _write(self, text):
        self._break_paragraph()
        self.parts.append(text)
        self.length += len(text)

    def _end_link(self, link):
        written = self.text()[link.start :]
        if not written.strip():
            return
        span = {"start": link.start, "end": self.length}
        if "hashtag" in link.classes:
            tag = written.removeprefix("#")
            if tag:
                self.found["hashtags"].append({**span, "tag": tag})
            return
        mentioned = "mention" in link.classes and self._mentioned(link.href, written)
        if mentioned:
            self.found["mentions"].append({**span, **mentioned})
            return
        href = safe_url(link.href)
        if href:
            shown = "".join(link.visible).strip() or written
            entity = {"url": href, "expanded_url": href, "display_url": shown}
            self.found["urls"].append({**span, **entity})

    def _mentioned(self, href, written):
        """The mention entity's handle and url of the account a mention link names; None when
        the status does not list it (then it is shown as a link)."""
        for mention in self.mentions:
            if href and _str(mention.get("url")) == href:
                return mention_entity(mention, self.instance)
        username = written.removeprefix("@")
        named = [m for m in self.mentions if _str(m.get("username")) == username]
        return mention_entity(named[0], self.instance) if len(named) == 1 else None


def mention_entity(account, instance):
    """A mention entity's handle and url of ``account`` (a Mention or Account entity); None
    when its acct is no Mastodon handle."""
    handle = full_handle(account.get("acct"), instance)
    if not handle:
        return None
    url = safe_url(_str(account.get("url")))
    return {"handle": handle, "url": url} if url else {"handle": handle}


def full_handle(acct, instance):
    """An acct as a handle stored: user@instance, a local account's with the ``instance``
    fetched from; "" when it is not a Mastodon handle."""
    acct = cleaned(acct).removeprefix("@")
    handle = acct if "@" in acct else f"{acct}@{instance}"
    return handle if MASTODON.is_handle(handle) else ""


def cleaned(value):
    """A string from outside without the characters no output holds, for text no offsets
    point into; "" for anything else."""
    return clean_text(value) if isinstance(value, str) else ""


def status_uri(value):
    """A status's ActivityPub id, if it is an https:// URL the post id column holds."""
    uri = safe_url(_str(value))
    return uri if uri and uri.startswith("https://") and len(uri) <= POST_ID_MAX_LENGTH else ""

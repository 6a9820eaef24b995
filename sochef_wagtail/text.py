"""Text from outside made fit for every output: the characters no format of the app holds.

XML 1.0 (RSS, Atom, XLSX) cannot hold the C0 controls but tab, LF and CR, lone surrogates,
U+FFFE and U+FFFF; UTF-8 (every page, export and e-mail) cannot encode a lone surrogate;
iCal text allows no control but tab; PostgreSQL refuses NUL. DEL and the C1 controls are legal
XML but an error in HTML and mean nothing in text a person writes (pasted from a document, they
show as boxes). One definition for all, so that every boundary removes the same set: public
forms at input, and each exporter, feed and e-mail before it writes.
"""

import html
import re
from urllib.parse import urlsplit

from django.utils.html import strip_tags

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Word and some PDF readers paste a line break as a vertical tab or form feed: kept as a break.
_LINE_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})
SAFE_SCHEMES = {"http", "https"}
# Whitespace (as str.isspace sees it) and the C0 and C1 control characters.
UNSAFE_IN_URL = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


def clean_text(value):
    """``value`` without the characters no output holds; line-break controls become LF."""
    return CONTROL_CHARACTERS.sub("", value.translate(_LINE_BREAKS))


def replace_control_characters(value):
    """``value`` with each such character replaced by U+FFFD, one code point for one, for text
    whose offsets must stay right (a tweet's entities)."""
    return CONTROL_CHARACTERS.sub("\ufffd", value)


def single_line(value, max_length=None):
    """Clean text on one line with single spaces, for an e-mail header."""
    line = " ".join(clean_text(value).split())
    return line[:max_length] if max_length else line


def clean_values(value):
    """Strings cleaned inside a value of strings, lists, tuples and dicts; the rest as it is."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list | tuple):
        return type(value)(clean_values(item) for item in value)
    if isinstance(value, dict):
        return {key: clean_values(item) for key, item in value.items()}
    return value


def plain_text(value):
    """Text without markup, for feeds, listings and meta tags: rich text loses its tags and
    entities."""
    return " ".join(html.unescape(strip_tags(str(value or ""))).split())


def safe_url(url):
    """``url`` if it is an absolute http(s) URL a browser reads as written, else None.

    Browsers drop tabs and newlines inside a URL and spaces around it, so "java\\tscript:"
    is a javascript: URL to them: any whitespace or control character disqualifies a URL.
    """
    if not isinstance(url, str) or not url:
        return None
    if UNSAFE_IN_URL.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.netloc:
        return None
    return url

"""Wagtail's database search backend, given only query text the databases can take.

Configure it as the site's search backend; it is Wagtail's database backend for the site's
database (SQLite FTS5, PostgreSQL, MySQL) with every query string cleaned first::

    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "sochef_wagtail.search_backend"}}

Why: the SQLite backend puts each word of a query between double quotes without doubling the
quotes inside it, so one ``"`` is an FTS5 syntax error (wagtail/wagtail#13227); a NUL ends the
FTS5 string early on SQLite and PostgreSQL refuses it; a lone surrogate cannot be encoded for
either; and each word nests the compiled query one level deeper, so a few thousand words
overflow Python's stack. Every search of the site reaches the backend through ``search()`` or
``autocomplete()`` (the public search, the admin's listings and choosers, ``queryset.search()``),
so this is the one place that cleans them. Query objects (``PlainText``, ``Phrase``…) built by
code are passed on as they are.

On PostgreSQL it also searches tweets through their own column and index rather than Wagtail's
index table (sochef_wagtail.search_postgres: fast at a million tweets); on SQLite it writes the
index entries of many tweets in one statement (sochef_wagtail.search_sqlite).
"""

import functools
import unicodedata

from django.db import connection
from wagtail.search.backends.database import SearchBackend as DatabaseSearchBackend
from wagtail.search.query import MATCH_NONE

#: The longest query searched, in characters (at most half as many words); the public search
#: form refuses longer ones with a message, other searches use the first this many characters.
MAX_QUERY_LENGTH = 200

# Control characters (NUL included) and lone surrogates: Unicode's categories Cc and Cs.
DROPPED_CATEGORIES = frozenset({"Cc", "Cs"})


def clean_query(text):
    """The words of ``text`` that hold a letter or digit, split at white space, ``"``, control
    characters and surrogates, joined by spaces and cut at MAX_QUERY_LENGTH characters.

    The backends' tokenizers split words at these characters too, so the same rows are found;
    a "word" without a letter or digit (``&``, ``<->``) matches nothing, and on SQLite would make
    the whole query match nothing.
    """
    kept = "".join(
        " " if char == '"' or unicodedata.category(char) in DROPPED_CATEGORIES else char
        # Only the start is read: a 10 MB query costs no more than a short one.
        for char in text[: MAX_QUERY_LENGTH * 4]
    )
    words = (word for word in kept.split() if any(char.isalnum() for char in word))
    return " ".join(words)[:MAX_QUERY_LENGTH].strip()


class CleanQueryMixin:
    """Cleans a query string with :func:`clean_query` before the backend sees it."""

    def search(self, query, *args, **kwargs):
        return super().search(query_for_backend(query), *args, **kwargs)

    def autocomplete(self, query, *args, **kwargs):
        return super().autocomplete(query_for_backend(query), *args, **kwargs)


def query_for_backend(query):
    """``query`` as any Wagtail backend can take it: a string cleaned by :func:`clean_query`,
    a query object unchanged."""
    if not isinstance(query, str):
        return query
    # A query of no words matches no row, as a result of the queryset: Wagtail's listings read
    # the model from it, which the backend's shortcut for "" (EmptySearchResults) lacks.
    return clean_query(query) or MATCH_NONE


@functools.cache
def _app_backend_class(backend_class, vendor):
    mixins = (CleanQueryMixin,)
    if vendor == "postgresql":
        # Imported only there: it needs psycopg.
        from .search_postgres import TweetColumnMixin

        mixins += (TweetColumnMixin,)
    elif vendor == "sqlite":
        # Imported only there: Wagtail defines its FTS model on SQLite only.
        from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchBackend

        from .search_sqlite import TweetEntriesMixin

        if issubclass(backend_class, SQLiteSearchBackend):  # not its fallback without FTS5
            mixins += (TweetEntriesMixin,)
    return type(backend_class.__name__, (*mixins, backend_class), {})


def SearchBackend(params):  # noqa: N802 (the name Wagtail looks for in a backend module)
    """Wagtail's database backend for the default database, cleaning its queries; on
    PostgreSQL, tweets are searched through their own column (sochef_wagtail.search_postgres),
    on SQLite indexed many at once (sochef_wagtail.search_sqlite)."""
    backend = DatabaseSearchBackend(params)
    # Wagtail picks the class by the database in use; the same instance, with the mixins on top.
    backend.__class__ = _app_backend_class(type(backend), connection.vendor)
    return backend

"""On SQLite, the app's search backend writes the index entries of many tweets in one statement.

Wagtail's SQLite index builds an entry per object in Python (each search field read through
the app registry) and inserts them with the ORM, then recomputes the title norms over the
whole index: for the 100,000 tweets of an import, longer than the import itself. A tweet's
entry is its text as the body, with no title and no autocomplete text (``Tweet.search_fields``:
one ``SearchField``, ``text``), so the database can write it from the tweet table directly,
``INSERT … SELECT`` with an upsert; SQLite's FTS table follows through Wagtail's triggers.
An entry without a title keeps the title norm Wagtail gives a new one, which its update of the
norms (of titles only) leaves alone.
"""

from modelsearch.backends.database.sqlite.sqlite import SQLiteIndex
from modelsearch.utils import get_content_type_pk

from .archive.models import Tweet


class TweetEntriesIndex(SQLiteIndex):
    """Wagtail's SQLite index, with ``add_tweets`` for many tweets at once."""

    def add_tweets(self, tweets):
        """Write the index entries of the tweets of the queryset ``tweets``, replacing those
        they had."""
        quote = self.write_connection.ops.quote_name
        entries = self.entries.model._meta
        column = {name: quote(entries.get_field(name).column) for name in _ENTRY_FIELDS}
        tweet = Tweet._meta
        pk, text = quote(tweet.pk.column), quote(tweet.get_field("text").column)
        chosen, params = (
            tweets.order_by().values("pk").query.get_compiler(self.write_connection.alias).as_sql()
        )
        with self.write_connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(entries.db_table)} ({', '.join(column.values())}) "
                f"SELECT %s, CAST({pk} AS TEXT), '', '', {text}, %s FROM {quote(tweet.db_table)} "
                f"WHERE {pk} IN ({chosen}) "
                f"ON CONFLICT ({column['content_type']}, {column['object_id']}) DO UPDATE SET "
                + ", ".join(f"{column[name]} = excluded.{column[name]}" for name in _TEXTS),
                [
                    get_content_type_pk(Tweet),
                    entries.get_field("title_norm").get_default(),
                    *params,
                ],
            )


_TEXTS = ("title", "autocomplete", "body")
_ENTRY_FIELDS = ("content_type", "object_id", *_TEXTS, "title_norm")


class TweetEntriesMixin:
    """For ``SQLiteSearchBackend``: tweets indexed many at once (``TweetEntriesIndex``)."""

    index_class = TweetEntriesIndex

"""On PostgreSQL, the app's search backend finds tweets through their own column and index.

Migration 0012 gives the tweet table a stored generated column, ``search_vector``
(``to_tsvector('swedish', text)``), and a GIN index over it. Wagtail's database backend keeps
its vectors in an index table of its own instead and matches ``title || body``, an expression
no index holds: with a million tweets every search reads and joins the whole index table
(seconds; ``./run bench``'s search measurement). Here the index finds the matching tweets and
the stored vectors rank them without parsing the texts again; the query is still compiled by
Wagtail's compiler (the same tsquery, the same ts_rank and order, the queryset's filters).

The column follows ``text`` whatever writes the row (the ORM, an import's executemany or COPY,
an UPDATE by hand), so Wagtail's index table holds no tweets on PostgreSQL: indexing them
(the task after an import or fetch, saves, ``update_index``) writes nothing, and
``update_index`` deletes the tweet entries written before migration 0012.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db.models import Expression
from modelsearch.backends.database.postgres.postgres import (
    PostgresIndex,
    PostgresSearchQueryCompiler,
)
from modelsearch.query import And, MatchAll, Not, Or, Phrase, PlainText
from modelsearch.utils import get_descendants_content_types_pks

from .archive.models import Tweet

#: The text search configuration of the column (migration 0012): the archive's tweets are
#: Swedish. Queries are parsed with it too, so that the words are stemmed alike.
TWEET_SEARCH_CONFIG = "swedish"
TWEET_SEARCH_COLUMN = "search_vector"


class StoredTweetVector(Expression):
    """The ``search_vector`` column of the tweet table (unknown to the model)."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.{connection.ops.quote_name(TWEET_SEARCH_COLUMN)}", []


class TweetSearchQueryCompiler(PostgresSearchQueryCompiler):
    """Wagtail's compiler, matching and ranking on the stored column."""

    def get_config(self, backend):
        return TWEET_SEARCH_CONFIG

    def get_search_vectors(self, search_query):
        # ``text`` is the tweet's only SearchField: whatever ``fields`` names, it is this.
        return [(StoredTweetVector(), 1.0)]

    def search(self, config, start, stop, score_field=None, backend=None):
        if not isinstance(self.query, (PlainText, Phrase, And, Or, Not)) or _matches_nothing(
            self.query
        ):
            return super().search(config, start, stop, score_field, backend)
        # Wagtail's search, but the vector only filtered by (alias), not selected (annotate):
        # the database would otherwise carry every match's vector until it has ranked them.
        search_query = self.build_tsquery(self.query, config=config)
        vectors = self.get_search_vectors(search_query)
        queryset = self.queryset.alias(_vector_=vectors[0][0]).filter(_vector_=search_query)
        limit = getattr(self.queryset, "max_ranked", None)
        if limit is not None:
            # Only the first matches the index finds are ranked and counted: ranking all of
            # them reads each one's row, thousands of pages from all over the table.
            candidates = queryset.order_by().values("pk")[:limit]
            queryset = self.queryset.filter(pk__in=candidates)
        rank_expression = self._build_rank_expression(vectors, config)
        return self._apply_ordering_and_scoring(queryset, rank_expression, start, stop, score_field)


def _matches_nothing(query):
    return isinstance(query, Not) and isinstance(query.subquery, MatchAll)


class TweetlessIndex(PostgresIndex):
    """Wagtail's index table without tweets: the column is their index."""

    def add_items(self, model, objs):
        if not issubclass(model, Tweet):
            super().add_items(model, objs)

    def add_tweets(self, tweets):
        """Nothing to write: the column follows the tweets' text."""

    def delete_stale_model_entries(self, model):
        if issubclass(model, Tweet):
            # One DELETE, as Wagtail's own stale entries go: an entry has no relations or
            # delete signals for the ORM to load it for.
            self.entries.filter(
                content_type_id__in=get_descendants_content_types_pks(model)
            ).delete()
        else:
            super().delete_stale_model_entries(model)


class TweetColumnMixin:
    """Searches of tweets through the column; other models through Wagtail's index table."""

    index_class = TweetlessIndex

    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        model = getattr(model_or_queryset, "model", model_or_queryset)
        if query_compiler_class is self.query_compiler_class and issubclass(model, Tweet):
            query_compiler_class = TweetSearchQueryCompiler
        return super()._search(query_compiler_class, query, model_or_queryset, **kwargs)

"""The tweets' own search index on PostgreSQL (migration 0012, sochef_wagtail/search_postgres.py):
a stored generated column that follows every write, and a GIN index over it. On SQLite tweets
are found through Wagtail's index (FTS5), their entries written in SQL by the indexing task
(sochef_wagtail/search_sqlite.py). Run on both databases."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from wagtail.search.backends import get_search_backend
from wagtail.search.backends.database.postgres.postgres import PostgresSearchBackend
from wagtail.search.models import IndexEntry

from sochef_wagtail.archive.models import Tweet
from sochef_wagtail.archive.tasks import index_tweets
from sochef_wagtail.search import search_tweets
from tests.factories import make_guest, make_tweet, make_tweets, stockholm

pytestmark = pytest.mark.django_db


def on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the tweets' own index is PostgreSQL's (set DATABASE_URL)")


def found(query):
    return [tweet.text for tweet in search_tweets(query)]


def test_the_column_is_made_on_postgresql_only():
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, Tweet._meta.db_table)
    has_column = "search_vector" in {column.name for column in columns}
    assert has_column == (connection.vendor == "postgresql")


def test_the_most_relevant_tweets_come_first(accounts):
    make_tweet(accounts[0], "Buller i verkstaden i dag igen", created_at=stockholm(2013, 3, 4, 9))
    make_tweet(accounts[0], "Buller, buller och mer buller", created_at=stockholm(2013, 3, 4, 10))
    assert found("buller") == ["Buller, buller och mer buller", "Buller i verkstaden i dag igen"]


COLUMNS = [
    "tweet_id", "account_id", "created_at", "text", "entities", "source",
    "in_reply_to_tweet_id", "in_reply_to_handle", "in_reply_to_user_id", "quoted_tweet_id",
    "lang", "client", "place_name", "latest_version_id",
    "is_retweet", "is_quote", "possibly_sensitive", "edited",
    "like_count", "retweet_count", "imported_at",
]  # fmt: skip


def raw_row(tweet_id, account, text):
    when = datetime.datetime(2013, 3, 4, 9, tzinfo=datetime.UTC)
    fixed = [tweet_id, account.pk, when, text, "{}", "archive"]
    return fixed + [""] * 8 + [False] * 4 + [0, 0, when]


def test_tweets_written_without_the_orm_are_found_at_once(accounts):
    """An import that writes with executemany or COPY, an UPDATE or DELETE by hand."""
    on_postgresql()
    table, columns = Tweet._meta.db_table, ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(COLUMNS))})",
            [
                raw_row("71", accounts[0], "Skyddsronden i lagret"),
                raw_row("72", accounts[0], "Skyddsronder och tillbud"),
            ],
        )
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            copy.write_row(raw_row("73", accounts[1], "Skyddsrond på akuten"))
    assert sorted(found("skyddsrond")) == [
        "Skyddsrond på akuten",
        "Skyddsronden i lagret",
        "Skyddsronder och tillbud",
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET text = 'Buller i lagret' WHERE tweet_id = '71'")
        cursor.execute(f"DELETE FROM {table} WHERE tweet_id = '72'")
    assert found("skyddsrond") == ["Skyddsrond på akuten"]
    assert found("buller") == ["Buller i lagret"]


def test_swedish_word_forms_find_each_other(accounts):
    on_postgresql()
    make_tweet(accounts[0], "Skyddsronden på lagret", created_at=stockholm(2013, 3, 4, 9))
    make_tweet(accounts[0], "Skyddsronder i vården", created_at=stockholm(2013, 3, 4, 10))
    expected = ["Skyddsronden på lagret", "Skyddsronder i vården"]
    assert sorted(found("skyddsrond")) == sorted(found("skyddsronderna")) == expected
    assert found("och") == []  # a stop word alone matches nothing


def test_the_search_reads_the_gin_index(accounts):
    on_postgresql()
    make_tweet(accounts[0], "Skyddsronden i lagret")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table is read whole otherwise
        plan = get_search_backend().search("skyddsrond", Tweet).get_queryset().explain()
    assert "sochef_tweet_search" in plan, plan


def test_wagtails_index_table_holds_no_tweets_and_update_index_clears_old_ones(accounts):
    on_postgresql()
    tweet = make_tweet(accounts[0], "Skyddsronden i lagret")  # saved: indexed by the signal
    make_guest("Ingrid Svensson")

    def tweet_entries():
        return IndexEntry.objects.filter(content_type__model="tweet").count()

    assert tweet_entries() == 0
    get_search_backend().add_bulk(Tweet, [tweet])  # the task after an import or fetch
    assert tweet_entries() == 0
    PostgresSearchBackend({}).add(tweet)  # as Wagtail's backend wrote them before 0012
    assert tweet_entries() == 1
    call_command("update_index", verbosity=0)
    assert tweet_entries() == 0
    assert IndexEntry.objects.filter(content_type__model="guest").count() == 1
    assert found("skyddsrond") == ["Skyddsronden i lagret"]


def index_rows():
    return sorted(
        IndexEntry.objects.filter(content_type__model="tweet").values_list(
            "object_id", "title", "autocomplete", "body", "title_norm"
        )
    )


def test_on_sqlite_the_indexing_task_writes_the_entries_wagtail_writes(accounts):
    """sochef_wagtail/search_sqlite.py writes them in SQL; Wagtail's own SQLite index, given
    the tweets, is the reference. A tweet indexed before with another text is updated."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's index table (PostgreSQL indexes tweets in their own column)")
    from wagtail.search.backends.database.sqlite.sqlite import SQLiteSearchBackend

    tweets = make_tweets(accounts[0], 3, stockholm(2013, 3, 4, 9))  # bulk_create: not indexed
    SQLiteSearchBackend({}).add(tweets[0])
    Tweet.objects.filter(pk=tweets[0].pk).update(text="Buller & <damm> i lagret")
    pks = sorted(tweet.pk for tweet in tweets)
    assert index_tweets([(pks[0], pks[-1])]) == "3 tweets indexed for search"
    written = index_rows()
    assert found("damm") == ["Buller & <damm> i lagret"]
    assert len(found("nummer")) == 2
    IndexEntry.objects.filter(content_type__model="tweet").delete()
    SQLiteSearchBackend({}).add_bulk(Tweet, list(Tweet.objects.filter(pk__in=pks)))
    assert written == index_rows()
